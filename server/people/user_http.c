/* user_http.c - the directory, profiles and photos, and my own profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/response.h"
#include "people/people.h"

#define DIRECTORY_LIMIT_DEFAULT 20
#define OFFSET_MAX 100000
#define QUERY_MAX_BYTES 200

static const char no_person[] = "No such person.";

rstatus people_user_list(request *r)
{
    const char *q = req_query(r, "q");
    if (q && strlen(q) > QUERY_MAX_BYTES)
        return req_fail(r, ST_BAD_REQUEST, "q is longer than %d bytes.", QUERY_MAX_BYTES);
    long long org, limit, offset;
    rstatus st = req_query_int(r, "organisation", 0, 1, 1LL << 53, &org);
    if (st == ST_OK)
        st = req_query_int(r, "limit", DIRECTORY_LIMIT_DEFAULT, 1, PEOPLE_PAGE_MAX, &limit);
    if (st == ST_OK)
        st = req_query_int(r, "offset", 0, 0, OFFSET_MAX, &offset);
    if (st != ST_OK)
        return st;

    people_query pq = {
        .viewer = r->who->user_id,
        .viewer_is_admin = acl_is_admin(r->who),
        .organisation = org,
        .limit = (int)limit,
        .offset = (int)offset,
    };
    pq.nwords = people_search_words(r->arena, q, pq.words);
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    const char *json;
    if ((st = people_directory_json(db, r->arena, &pq, &json)) != ST_OK)
        return st;
    return people_reply_json_text(r, 200, json);
}

/* access/ decides; people who are not active exist only for administrators. */
static bool may_see(const request *r, long long id, const people_facts *f)
{
    return f->found && acl_user_can_see(r->who, id, f->is_guest, f->shares_community) &&
           (f->active || acl_is_admin(r->who));
}

rstatus people_user_get(request *r)
{
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, no_person);
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    people_facts f;
    const char *json = NULL;
    if ((st = people_profile_load(db, r->arena, r->who->user_id, id, &f, &json)) != ST_OK)
        return st;
    if (!f.found)
        return req_fail(r, ST_NOT_FOUND, no_person);
    if (!may_see(r, id, &f))
        return acl_deny(r, false, "user", req_param(r, "id"), no_person);
    return people_reply_json_text(r, 200, json);
}

rstatus people_user_photo(request *r)
{
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, no_person);
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    people_facts f;
    const char *type, *etag;
    if ((st = people_photo_meta(db, r->arena, r->who->user_id, id, &f, &type, &etag)) != ST_OK)
        return st;
    if (!f.found)
        return req_fail(r, ST_NOT_FOUND, no_person);
    if (!may_see(r, id, &f))
        return acl_deny(r, false, "user", req_param(r, "id"), no_person);
    if (!etag)
        return req_fail(r, ST_NOT_FOUND, "This person has no photo.");

    /* Revalidation is the common case (avatars on every page): skip the bytes. */
    r->etag = etag;
    r->cache_control = "private, no-cache";
    if (http_etag_matches(req_header(r, "If-None-Match"), etag))
        return reply_empty(r, 304);
    const void *data;
    size_t len;
    if ((st = people_photo_bytes(db, r->arena, id, &data, &len)) != ST_OK)
        return st == ST_NOT_FOUND ? req_fail(r, st, "This person has no photo.") : st;
    if ((st = reply_header(r, "Content-Disposition", "inline")) != ST_OK)
        return st;
    return reply_bytes(r, 200, type, data, len);
}

static rstatus reply_my_profile(request *r, db_conn *db)
{
    people_facts f;
    const char *json = NULL;
    rstatus st = people_profile_load(db, r->arena, r->who->user_id, r->who->user_id, &f, &json);
    if (st != ST_OK)
        return st;
    if (!f.found)
        return req_fail(r, ST_NOT_FOUND, no_person);
    return people_reply_json_text(r, 200, json);
}

rstatus people_me_update(request *r)
{
    static const char *const fields[] = {"display_name", "job_title", "phone", "place", "bio"};
    rstatus st = people_body_object(r);
    if (st != ST_OK)
        return st;
    const char *key;
    json_t *value;
    json_object_foreach(r->json, key, value) {
        bool known = false;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            known = known || !strcmp(key, fields[i]);
        if (!known)
            return req_fail(r, ST_UNPROCESSABLE, "Unknown field '%.40s': send display_name, "
                            "job_title, phone, place or bio.", key);
    }
    people_profile_change c = {0};
    st = people_body_text(r, "display_name", false, PEOPLE_NAME_MAX, false, &c.display_name);
    if (st == ST_OK && c.display_name && !*c.display_name)
        st = req_fail(r, ST_UNPROCESSABLE, "display_name cannot be empty.");
    if (st == ST_OK)
        st = people_body_text(r, "job_title", false, PEOPLE_JOB_MAX, false, &c.job_title);
    if (st == ST_OK)
        st = people_body_text(r, "phone", false, PEOPLE_PHONE_MAX, false, &c.phone);
    if (st == ST_OK)
        st = people_body_text(r, "place", false, PEOPLE_PLACE_MAX, false, &c.place);
    if (st == ST_OK)
        st = people_body_text(r, "bio", false, PEOPLE_BIO_MAX, true, &c.bio);
    if (st != ST_OK)
        return st;

    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    if ((st = people_profile_update(db, r->who->user_id, &c)) != ST_OK)
        return st;
    return reply_my_profile(r, db);
}

/* The media type of a Content-Type header value, without parameters, in buf. */
static const char *media_type(const char *ct, char *out, size_t size)
{
    if (!ct)
        return "";
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)((ct[i] >= 'A' && ct[i] <= 'Z') ? ct[i] + 32 : ct[i]);
    out[n] = '\0';
    return out;
}

rstatus people_me_photo_put(request *r)
{
    static const char *const accepted[] = {"image/png", "image/jpeg", "image/webp", "image/gif"};
    char tbuf[64];
    const char *declared = media_type(req_header(r, "Content-Type"), tbuf, sizeof tbuf);
    bool ok = false;
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        ok = ok || !strcmp(declared, accepted[i]);
    if (!ok)
        return req_fail(r, ST_UNSUPPORTED_MEDIA,
                        "Send the photo as image/png, image/jpeg, image/webp or image/gif.");
    if (r->body.len == 0)
        return req_fail(r, ST_UNPROCESSABLE, "The image is empty.");
    /* The bytes decide, not the header: a mislabelled file is refused, never relabelled. */
    const char *sniffed = people_image_sniff(r->body.data, r->body.len);
    if (!sniffed)
        return req_fail(r, ST_UNPROCESSABLE, "This file is not a PNG, JPEG, WebP or GIF image.");
    if (strcmp(sniffed, declared) != 0)
        return req_fail(r, ST_UNPROCESSABLE, "The file is %s, not %s as declared.", sniffed,
                        declared);

    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    st = people_photo_store(db, r->arena, r->who->user_id, r->body.data, r->body.len, sniffed);
    if (st != ST_OK)
        return st;
    return reply_my_profile(r, db);
}

rstatus people_me_photo_delete(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    if ((st = people_photo_store(db, r->arena, r->who->user_id, NULL, 0, NULL)) != ST_OK)
        return st;
    return reply_empty(r, 204);
}
