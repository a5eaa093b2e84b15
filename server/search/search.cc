// search.cc - the C API of search.h over Xapian: generations, indexing, queries, snippets.
//
// Every exported function runs its body through guard(), which turns any exception into a
// search_status and a message for search_last_error(). Only the declarations of search.h
// have default visibility (the pragma below); everything else in this file is hidden.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xapian.h>

// The handles are C++ classes: hidden like the rest, declared so before the header.
struct __attribute__((visibility("hidden"))) search_db;
struct __attribute__((visibility("hidden"))) search_results;

#pragma GCC visibility push(default)
#include "search/search.h"
#pragma GCC visibility pop

#include "search/search_text.h"

using relais_search::clean_text;
using relais_search::fold;
using relais_search::fold_key;

namespace {

// ---- Layout of a document (see README.md) ---------------------------------------------

// Term prefixes. Free-text prefixes are followed by lowercase terms, boolean ones by ids,
// keys or folded values, so an upper-case continuation never collides with a text term.
const char P_ID[] = "Q";          // Q<kind>:<id>, unique: replace_document() on it
const char P_KIND[] = "XKIND";    // XKIND<kind>
const char P_TYPE[] = "T";        // T<kind>, T<type>: type: and the type filter
const char P_TAG[] = "K";         // K<folded tag>: the tag filter
const char P_COMMUNITY[] = "XCID"; // XCID<community id>
const char P_AUTHOR[] = "XAID";   // XAID<author id>
const char P_ACCESS[] = "XACL";   // XACL<access key>
const char P_TITLE[] = "S";       // titre:, title:, and completion
const char P_TAGTEXT[] = "XT";    // tag:
const char P_AUTHORNAME[] = "A";  // auteur:, author:
const char P_COMMUNITYNAME[] = "XC"; // communaute:, community:
const char P_PLACE[] = "XP";      // lieu:, place:
const char P_URL[] = "XU";        // not exposed as a field

// Within-document frequency added per word: how much each field weighs in BM25.
const unsigned W_TITLE = 12, W_TAG = 6, W_DESCRIPTION = 3, W_BODY = 1, W_PLACE = 2,
               W_URL = 1, W_NAME = 1;

// Value slots.
const Xapian::valueno SLOT_DATE = 0;      // sortable_serialise(date)
const Xapian::valueno SLOT_KIND = 1;      // kind: the "type" facet
const Xapian::valueno SLOT_COMMUNITY = 2; // decimal id, absent when 0
const Xapian::valueno SLOT_AUTHOR = 3;    // decimal id, absent when 0
const Xapian::valueno SLOT_TAGS = 4;      // "<folded>\x1f<as given>\n" per distinct tag

const size_t MAX_QUERY_BYTES = 1000;
const size_t MAX_LIMIT = 100;
const Xapian::doccount CHECK_AT_LEAST = 10000; // totals and facets are exact up to this
const size_t MAX_FACET_VALUES = 100;
const size_t SNIPPET_SOURCE_BYTES = 8192;      // start of body kept for snippets
const size_t MAX_INDEXED_BODY_BYTES = 4u << 20; // the rest of a huge body is not indexed
const size_t MAX_KEY_BYTES = 200;              // boolean terms (Xapian's limit is 245)
// A rebuild commits every this many items. Xapian buffers changes in std::maps (per term,
// then per docid) until it flushes, 10,000 documents by default: with bodies those maps
// grew to 680 MiB and each posting cost a walk through cold memory. At 1,000 the same
// 20,000-document rebuild took 82 s of CPU instead of 150 and 105 MiB instead of 687;
// at 300 the extra B-tree merges cost more than they saved (92 s).
const unsigned REBUILD_COMMIT_ITEMS = 1000;
const Xapian::termcount WILDCARD_EXPANSION = 100;  // prefix* in search_run
const size_t FEW_RESULTS = 3;                  // below this, try a spelling correction

const char OMIT_MARK[] = "\xee\x80\x82"; // U+E002, stripped from texts like our marks
const char ELLIPSIS[] = "\xe2\x80\xa6";   // what the API shows for it

// ---- Errors -----------------------------------------------------------------------------

thread_local char last_error[512];

struct Failure {
    search_status status;
    std::string message;
};

[[noreturn]] void fail(search_status st, const std::string &msg)
{
    throw Failure{st, msg};
}

[[noreturn]] void fail_errno(const std::string &what, int err)
{
    fail(err == ENOENT ? SEARCH_NOT_FOUND : err == ENOMEM ? SEARCH_NO_MEMORY : SEARCH_IO,
         what + ": " + strerror(err));
}

search_status record(search_status st, const char *type, const char *msg) noexcept
{
    snprintf(last_error, sizeof last_error, "%s%s%s", type ? type : "", type ? ": " : "", msg);
    return st;
}

search_status record(search_status st, const Xapian::Error &e) noexcept
{
    return record(st, e.get_type(), e.get_msg().c_str()); // neither allocates
}

// Runs f, mapping every exception to a status. Order matters: most derived first.
template <class F> search_status guard(F &&f) noexcept
{
    try {
        f();
        return SEARCH_OK;
    } catch (const Failure &e) {
        return record(e.status, nullptr, e.message.c_str());
    } catch (const Xapian::DatabaseLockError &e) {
        return record(SEARCH_LOCKED, e);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return record(SEARCH_NOT_FOUND, e);
    } catch (const Xapian::DatabaseError &e) { // corrupt, modified, opening, version
        return record(SEARCH_IO, e);
    } catch (const Xapian::QueryParserError &e) {
        return record(SEARCH_BAD_QUERY, e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return record(SEARCH_BAD_QUERY, e);
    } catch (const Xapian::Error &e) {
        return record(SEARCH_INTERNAL, e);
    } catch (const std::bad_alloc &) {
        return record(SEARCH_NO_MEMORY, nullptr, "out of memory");
    } catch (const std::exception &e) {
        return record(SEARCH_INTERNAL, "exception", e.what());
    } catch (...) {
        return record(SEARCH_INTERNAL, nullptr, "unknown exception");
    }
}

std::string str(const char *s) { return s ? std::string(s) : std::string(); }

// Caller text as we store and index it: valid UTF-8, without our marks.
std::string clean(const char *s, size_t max_bytes = SIZE_MAX)
{
    return s ? clean_text(s, strlen(s), max_bytes) : std::string();
}

// ---- Languages --------------------------------------------------------------------------

// Folds then stems, so the stemmer gives the same answer for "établissement" and
// "etablissement" whoever calls it (TermGenerator, QueryParser, MSet::snippet).
class FoldingStem : public Xapian::StemImplementation {
    Xapian::Stem inner;

  public:
    explicit FoldingStem(const char *language) : inner(language) {}
    std::string operator()(const std::string &word) override { return inner(fold_key(word)); }
    std::string get_description() const override { return "folded " + inner.get_description(); }
};

struct Lang {
    Xapian::Stem stem;
    Xapian::SimpleStopper stopper;

    Lang(const char *language, const char *const *words) : stem(new FoldingStem(language))
    {
        for (; *words; words++)
            stopper.add(*words);
    }
};

// type:PDF finds what was put with type "pdf": the value is folded like the stored key.
class TypeField : public Xapian::FieldProcessor {
  public:
    Xapian::Query operator()(const std::string &value) override
    {
        return Xapian::Query(P_TYPE + fold_key(value));
    }
};

// ---- Generations on disk ----------------------------------------------------------------

long gen_number(const std::string &name)
{
    if (name.compare(0, 4, "gen-") != 0 || name.size() == 4 || name.size() > 14)
        return -1;
    long n = 0;
    for (size_t i = 4; i < name.size(); i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        n = n * 10 + (name[i] - '0');
    }
    return n;
}

// errno-style: 0 with the generation named by dir/current.
int read_current(const std::string &dir, std::string &gen)
{
    char buf[64];
    ssize_t n = readlink((dir + "/current").c_str(), buf, sizeof buf - 1);
    if (n < 0)
        return errno;
    gen.assign(buf, static_cast<size_t>(n));
    return gen_number(gen) < 0 ? EINVAL : 0;
}

std::vector<long> list_generations(const std::string &dir)
{
    std::vector<long> out;
    DIR *d = opendir(dir.c_str());
    if (!d)
        fail_errno("cannot list " + dir, errno);
    while (struct dirent *e = readdir(d)) {
        long n = gen_number(e->d_name);
        if (n >= 0)
            out.push_back(n);
    }
    closedir(d);
    return out;
}

std::string gen_name(long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "gen-%06ld", n);
    return buf;
}

// Reserves the next generation number by creating its directory.
std::string make_generation(const std::string &dir)
{
    std::vector<long> gens = list_generations(dir);
    long n = gens.empty() ? 1 : *std::max_element(gens.begin(), gens.end()) + 1;
    for (;; n++) {
        std::string name = gen_name(n);
        if (mkdir((dir + "/" + name).c_str(), 0755) == 0)
            return name;
        if (errno != EEXIST)
            fail_errno("cannot create " + dir + "/" + name, errno);
    }
}

void make_dir(const std::string &dir)
{
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        fail_errno("cannot create " + dir, errno);
}

void sync_dir(const std::string &dir)
{
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail_errno("cannot open " + dir, errno);
    int rc = fsync(fd), err = errno;
    close(fd);
    if (rc != 0)
        fail_errno("cannot fsync " + dir, err);
}

// Points dir/current at gen atomically: a temporary symlink renamed over it.
void swap_current(const std::string &dir, const std::string &gen)
{
    static int counter;
    char tmp_name[64];
    snprintf(tmp_name, sizeof tmp_name, "/.current-%ld-%d", static_cast<long>(getpid()),
             __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    std::string tmp = dir + tmp_name;
    unlink(tmp.c_str());
    if (symlink(gen.c_str(), tmp.c_str()) != 0)
        fail_errno("cannot create " + tmp, errno);
    if (rename(tmp.c_str(), (dir + "/current").c_str()) != 0) {
        int err = errno;
        unlink(tmp.c_str());
        fail_errno("cannot rename " + tmp, err);
    }
    sync_dir(dir);
}

int remove_entry(const char *path, const struct stat *, int, struct FTW *)
{
    remove(path); // best effort: keep removing the rest
    return 0;
}

void remove_tree(const std::string &path)
{
    nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

} // namespace

// ---- Handles ----------------------------------------------------------------------------

struct search_db {
    std::string dir;
    std::string gen;               // the generation this handle has open
    bool writer = false;
    bool rebuild = false;          // a generation not yet live (search_rebuild_begin)
    bool in_transaction = false;   // live writers change the index inside a transaction
    unsigned uncommitted = 0;      // rebuilds: items put since the last commit
    Xapian::WritableDatabase wdb;  // writers only
    Xapian::Database rdb;          // what searches read (the writer's own for writers)
    Lang fr{"french", relais_search::stopwords_fr};
    Lang en{"english", relais_search::stopwords_en};

    Lang &lang(const char *language)
    {
        return language && strcmp(language, "en") == 0 ? en : fr;
    }
    std::string path() const { return dir + "/" + gen; }
};

namespace {

void open_reader(search_db *db)
{
    for (int attempt = 0;; attempt++) {
        std::string gen;
        int err = read_current(db->dir, gen);
        if (err == ENOENT)
            fail(SEARCH_NOT_FOUND, "no search index at " + db->dir);
        if (err)
            fail_errno("cannot read " + db->dir + "/current", err);
        try {
            db->rdb = Xapian::Database(db->dir + "/" + gen);
            db->gen = gen;
            return;
        } catch (const Xapian::DatabaseOpeningError &) {
            if (attempt >= 2) // the generation vanished under us more than twice
                throw;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= 2) // the writer committed twice while we opened, three times
                throw;
        }
    }
}

void open_writer(search_db *db)
{
    make_dir(db->dir);
    for (int attempt = 0;; attempt++) {
        std::string gen;
        int err = read_current(db->dir, gen);
        if (err == ENOENT) {
            // No index yet: make the first generation; symlink(2) fails if another
            // writer got there first, and then we use theirs.
            gen = make_generation(db->dir);
            {
                Xapian::WritableDatabase first(db->dir + "/" + gen, Xapian::DB_CREATE_OR_OPEN);
                first.commit();
                first.close();
            }
            if (symlink(gen.c_str(), (db->dir + "/current").c_str()) != 0) {
                int e = errno;
                remove_tree(db->dir + "/" + gen);
                if (e != EEXIST)
                    fail_errno("cannot create " + db->dir + "/current", e);
                continue;
            }
            sync_dir(db->dir);
        } else if (err) {
            fail_errno("cannot read " + db->dir + "/current", err);
        }
        try {
            db->wdb = Xapian::WritableDatabase(db->dir + "/" + gen, Xapian::DB_OPEN);
            db->rdb = db->wdb;
            db->gen = gen;
            db->in_transaction = false;
            return;
        } catch (const Xapian::DatabaseNotFoundError &) {
            if (attempt >= 2)
                throw;
        }
    }
}

// Readers follow `current` (one readlink) and the writer's latest commit (reopen()).
void refresh(search_db *db)
{
    if (db->writer)
        return;
    std::string gen;
    if (read_current(db->dir, gen) == 0 && gen != db->gen) {
        db->rdb = Xapian::Database(db->dir + "/" + gen);
        db->gen = gen;
        return;
    }
    db->rdb.reopen();
}

// Runs a read, again after a refresh if the writer overwrote what it was reading (Xapian
// keeps the previous revision only, so a reader overlapping two commits loses its own).
// Twice more, not once: a busy writer may commit again during the retry.
const int READ_ATTEMPTS = 3;

template <class F> void reading(search_db *db, F &&f)
{
    for (int attempt = 1;; attempt++) {
        try {
            refresh(db);
            f();
            return;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= READ_ATTEMPTS)
                throw;
        } catch (const Xapian::DatabaseOpeningError &) {
            if (attempt >= READ_ATTEMPTS || db->writer)
                throw;
        }
    }
}

void need_writer(search_db *db)
{
    if (!db)
        fail(SEARCH_INTERNAL, "no database handle");
    if (!db->writer)
        fail(SEARCH_INTERNAL, "the handle was opened for reading");
    // A live writer's changes stay in a transaction until search_commit(), so that nothing
    // is committed behind the caller's back (Xapian autocommits every 10,000 changes and
    // at close otherwise). A rebuild is not live: Xapian may flush it when it likes.
    if (!db->rebuild && !db->in_transaction) {
        try {
            db->wdb.begin_transaction(true);
        } catch (const Xapian::InvalidOperationError &) {
            // still in the one a failed commit left open
        }
        db->in_transaction = true;
    }
}

// A boolean term from caller data: refused when Xapian could not store it.
std::string key_term(const char *prefix, const std::string &value, const char *what)
{
    if (value.size() > MAX_KEY_BYTES)
        fail(SEARCH_BAD_QUERY, std::string(what) + " longer than 200 bytes");
    return prefix + value;
}

std::string id_term(const std::string &kind, int64_t id)
{
    return key_term(P_ID, kind + ":" + std::to_string(static_cast<long long>(id)), "kind");
}

// ---- Document data: length-prefixed fields ----------------------------------------------

void put_field(std::string &out, const std::string &v)
{
    uint32_t n = static_cast<uint32_t>(v.size());
    for (int i = 0; i < 4; i++)
        out += static_cast<char>((n >> (8 * i)) & 0xFF);
    out += v;
}

bool get_field(const std::string &in, size_t &pos, std::string &v)
{
    if (in.size() - pos < 4)
        return false;
    uint32_t n = 0;
    for (int i = 0; i < 4; i++)
        n |= static_cast<uint32_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
    pos += 4;
    if (in.size() - pos < n)
        return false;
    v.assign(in, pos, n);
    pos += n;
    return true;
}

struct Stored {
    std::string kind, data, text;
    int64_t id = 0, date = 0;
};

const char DATA_VERSION[] = "relais-search-1";

std::string encode_data(const Stored &s)
{
    std::string out;
    put_field(out, DATA_VERSION);
    put_field(out, s.kind);
    put_field(out, std::to_string(static_cast<long long>(s.id)));
    put_field(out, std::to_string(static_cast<long long>(s.date)));
    put_field(out, s.data);
    put_field(out, s.text);
    return out;
}

Stored decode_data(const std::string &in)
{
    Stored s;
    std::string version, id, date;
    size_t pos = 0;
    if (!get_field(in, pos, version) || version != DATA_VERSION || !get_field(in, pos, s.kind) ||
        !get_field(in, pos, id) || !get_field(in, pos, date) || !get_field(in, pos, s.data) ||
        !get_field(in, pos, s.text))
        fail(SEARCH_IO, "corrupt document data in the search index");
    s.id = strtoll(id.c_str(), nullptr, 10);
    s.date = strtoll(date.c_str(), nullptr, 10);
    return s;
}

// ---- Indexing ---------------------------------------------------------------------------

// Splits file names and links on punctuation: "CR_réunion-2018.pdf" → "CR réunion 2018 pdf".
std::string split_url(const std::string &url)
{
    std::string out = url;
    for (char &c : out) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x80 && !isalnum(u))
            c = ' ';
    }
    return out;
}

void index_field(Xapian::TermGenerator &tg, const std::string &text, unsigned weight,
                 const char *prefix, bool spelling)
{
    if (text.empty())
        return;
    std::string folded = fold(text);
    tg.set_flags(spelling ? Xapian::TermGenerator::FLAG_SPELLING : 0);
    tg.index_text(folded, weight);
    tg.increase_termpos(100); // no phrase across fields
    if (prefix) {
        tg.set_flags(0);
        tg.index_text(folded, 1, prefix);
        tg.increase_termpos(100);
    }
}

void put_item(search_db *db, const search_item *it)
{
    need_writer(db);
    if (!it || !it->kind || !*it->kind)
        fail(SEARCH_BAD_QUERY, "an item needs a kind");
    std::string kind = fold_key(it->kind);
    std::string idterm = id_term(kind, it->id);
    Lang &lang = db->lang(it->language);

    Xapian::Document doc;
    Xapian::TermGenerator tg;
    tg.set_database(db->wdb); // for the spelling table
    tg.set_document(doc);
    tg.set_stemmer(lang.stem);
    tg.set_stopper(&lang.stopper);
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    tg.set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);

    doc.add_boolean_term(idterm);
    doc.add_boolean_term(key_term(P_KIND, kind, "kind"));
    doc.add_boolean_term(key_term(P_TYPE, kind, "kind"));
    for (size_t i = 0; i < it->ntypes; i++) {
        std::string t = fold_key(str(it->types[i]));
        if (!t.empty())
            doc.add_boolean_term(key_term(P_TYPE, t, "type"));
    }
    if (it->community_id) {
        std::string v = std::to_string(static_cast<long long>(it->community_id));
        doc.add_boolean_term(P_COMMUNITY + v);
        doc.add_value(SLOT_COMMUNITY, v);
    }
    if (it->author_id) {
        std::string v = std::to_string(static_cast<long long>(it->author_id));
        doc.add_boolean_term(P_AUTHOR + v);
        doc.add_value(SLOT_AUTHOR, v);
    }
    for (size_t i = 0; i < it->naccess_keys; i++) {
        if (it->access_keys[i] && *it->access_keys[i])
            doc.add_boolean_term(key_term(P_ACCESS, it->access_keys[i], "access key"));
    }

    // Text, heaviest field first.
    std::string body = clean(it->body, MAX_INDEXED_BODY_BYTES);
    std::string description = clean(it->description);
    index_field(tg, clean(it->title), W_TITLE, P_TITLE, true);
    std::string tagslot;
    std::vector<std::string> seen;
    for (size_t i = 0; i < it->ntags; i++) {
        std::string tag = fold_key(str(it->tags[i]));
        if (tag.empty() || std::find(seen.begin(), seen.end(), tag) != seen.end())
            continue;
        seen.push_back(tag);
        std::string shown = clean(it->tags[i], MAX_KEY_BYTES);
        for (char &c : shown)
            if (static_cast<unsigned char>(c) < 0x20)
                c = ' ';
        doc.add_boolean_term(key_term(P_TAG, tag, "tag"));
        tagslot += tag + '\x1f' + shown + '\n';
        index_field(tg, shown, W_TAG, P_TAGTEXT, false);
    }
    index_field(tg, description, W_DESCRIPTION, nullptr, true);
    index_field(tg, body, W_BODY, nullptr, true);
    index_field(tg, split_url(clean(it->url)), W_URL, P_URL, false);
    index_field(tg, clean(it->place), W_PLACE, P_PLACE, false);
    index_field(tg, clean(it->author_name), W_NAME, P_AUTHORNAME, false);
    index_field(tg, clean(it->community_name), W_NAME, P_COMMUNITYNAME, false);

    doc.add_value(SLOT_DATE, Xapian::sortable_serialise(static_cast<double>(it->date)));
    doc.add_value(SLOT_KIND, kind);
    if (!tagslot.empty())
        doc.add_value(SLOT_TAGS, tagslot);

    Stored s;
    s.kind = kind;
    s.id = it->id;
    s.date = it->date;
    s.data = str(it->data);
    const std::string &source = !body.empty() ? body : description;
    s.text = clean_text(source.data(), source.size(), SNIPPET_SOURCE_BYTES);
    doc.set_data(encode_data(s));
    db->wdb.replace_document(idterm, doc);
    if (db->rebuild && ++db->uncommitted >= REBUILD_COMMIT_ITEMS) {
        db->wdb.commit(); // not live yet: harmless, and keeps Xapian's buffers small
        db->uncommitted = 0;
    }
}

// ---- Queries ----------------------------------------------------------------------------

void setup_parser(Xapian::QueryParser &qp, search_db *db, Lang &lang)
{
    qp.set_database(db->rdb);
    qp.set_stemmer(lang.stem);
    qp.set_stopper(&lang.stopper);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_prefix("titre", P_TITLE);
    qp.add_prefix("title", P_TITLE);
    qp.add_prefix("tag", P_TAGTEXT);
    qp.add_prefix("auteur", P_AUTHORNAME);
    qp.add_prefix("author", P_AUTHORNAME);
    qp.add_prefix("communaute", P_COMMUNITYNAME); // "communauté:" arrives folded
    qp.add_prefix("community", P_COMMUNITYNAME);
    qp.add_prefix("lieu", P_PLACE);
    qp.add_prefix("place", P_PLACE);
    qp.add_boolean_prefix("type", (new TypeField)->release());
    qp.set_max_expansion(WILDCARD_EXPANSION, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                         Xapian::QueryParser::FLAG_WILDCARD);
}

Xapian::Query access_query(const char *const *keys, size_t n)
{
    std::vector<Xapian::Query> terms;
    for (size_t i = 0; i < n; i++) {
        if (keys[i] && *keys[i])
            terms.emplace_back(key_term(P_ACCESS, keys[i], "access key"));
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// Everything a search_query restricts, never weighted: access keys AND the filters.
Xapian::Query filter_query(const search_query *q)
{
    std::vector<Xapian::Query> parts;
    parts.push_back(access_query(q->access_keys, q->naccess_keys));
    if (q->type && *q->type)
        parts.emplace_back(key_term(P_TYPE, fold_key(q->type), "type"));
    if (q->community_id)
        parts.emplace_back(P_COMMUNITY + std::to_string(static_cast<long long>(q->community_id)));
    if (q->author_id)
        parts.emplace_back(P_AUTHOR + std::to_string(static_cast<long long>(q->author_id)));
    if (q->tag && *q->tag)
        parts.emplace_back(key_term(P_TAG, fold_key(q->tag), "tag"));
    std::string from = Xapian::sortable_serialise(static_cast<double>(q->date_from));
    std::string to = Xapian::sortable_serialise(static_cast<double>(q->date_to));
    if (q->date_from && q->date_to)
        parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, SLOT_DATE, from, to);
    else if (q->date_from)
        parts.emplace_back(Xapian::Query::OP_VALUE_GE, SLOT_DATE, from);
    else if (q->date_to)
        parts.emplace_back(Xapian::Query::OP_VALUE_LE, SLOT_DATE, to);
    return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

const unsigned FULL_FLAGS = Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE |
                            Xapian::QueryParser::FLAG_LOVEHATE |
                            Xapian::QueryParser::FLAG_WILDCARD;

// The user's words; an unparseable text is tried again as plain words.
Xapian::Query parse_text(Xapian::QueryParser &qp, const std::string &text, unsigned extra)
{
    try {
        return qp.parse_query(text, FULL_FLAGS | extra);
    } catch (const Xapian::QueryParserError &) {
        return qp.parse_query(text, extra);
    }
}

// The query language has -word, +word and -"a phrase" (search.h); a + or - that starts a
// word and is not followed by a word character or a quote ("-/t t x*", "-(y y", "+\ufffdl")
// is dropped. Xapian 1.4.22's QueryParser dereferences
// a null query (SEGV in Query::operator|=) when such a sign hates a group that stop words
// or stray characters leave empty, beside other hated words. Found by fuzz_search_query.
std::string without_dangling_signs(const std::string &text)
{
    std::string out;
    out.reserve(text.size());
    bool after_word = false;
    for (Xapian::Utf8Iterator it(text), end; it != end;) {
        unsigned ch = *it;
        Xapian::Utf8Iterator next = it;
        ++next;
        if ((ch == '+' || ch == '-') && !after_word) {
            unsigned following = next != end ? *next : 0;
            if (following != '"' && !Xapian::Unicode::is_wordchar(following)) {
                out += ' ';
                it = next;
                continue;
            }
        }
        Xapian::Unicode::append_utf8(out, ch);
        after_word = Xapian::Unicode::is_wordchar(ch);
        it = next;
    }
    return out;
}

// Xapian's STEM_SOME leaves capitalised query words unstemmed, taking them for names. That
// is right for acronyms (GHT, ARS, ESMS: all capitals, indexed raw as well) but wrong for
// the first word of a sentence: "Etablissements" must find "établissement". So a word
// with an initial capital and a lower-case letter after it is lowercased; words in
// capitals (acronyms, AND/OR/NOT) are left alone. Works on folded text (ASCII letters).
std::string lower_capitalised(const std::string &text)
{
    std::string out = text;
    size_t i = 0, n = out.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(out[i]);
        if (!isalnum(c) && c < 0x80) {
            i++;
            continue;
        }
        size_t end = i;
        bool has_lower = false;
        while (end < n) {
            unsigned char e = static_cast<unsigned char>(out[end]);
            if (e < 0x80 && !isalnum(e))
                break;
            has_lower |= islower(e) != 0;
            end++;
        }
        if (isupper(c) && has_lower)
            for (size_t k = i; k < end; k++)
                out[k] = static_cast<char>(tolower(static_cast<unsigned char>(out[k])));
        i = end;
    }
    return out;
}

bool blank(const std::string &s)
{
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Counts tags from SLOT_TAGS (several per document, which ValueCountMatchSpy cannot do).
class TagSpy : public Xapian::MatchSpy {
  public:
    std::map<std::string, std::pair<std::string, uint64_t>> counts; // folded -> (shown, n)

    void operator()(const Xapian::Document &doc, double) override
    {
        std::string v = doc.get_value(SLOT_TAGS);
        size_t pos = 0;
        while (pos < v.size()) {
            size_t sep = v.find('\x1f', pos), end = v.find('\n', pos);
            if (sep == std::string::npos || end == std::string::npos || sep > end)
                break;
            auto &entry = counts[v.substr(pos, sep - pos)];
            if (entry.second++ == 0)
                entry.first = v.substr(sep + 1, end - sep - 1);
            pos = end + 1;
        }
    }
};

typedef std::vector<std::pair<std::string, uint64_t>> FacetValues;

void sort_facet(FacetValues &values)
{
    std::sort(values.begin(), values.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (values.size() > MAX_FACET_VALUES)
        values.resize(MAX_FACET_VALUES);
}

FacetValues facet_of(const Xapian::ValueCountMatchSpy &spy)
{
    FacetValues out;
    for (Xapian::TermIterator it = spy.values_begin(); it != spy.values_end(); ++it)
        out.emplace_back(*it, it.get_termfreq());
    sort_facet(out);
    return out;
}

// MSet::snippet() on the folded text (so accents never hide a match, in words, phrases or
// wildcards), then the same passage taken from the original text with the marks moved
// across. snippet() escapes exactly & < > as &amp; &lt; &gt; (nothing else); we undo that,
// so the result is plain text.
std::string make_snippet(const Xapian::MSet &mset, const std::string &original, size_t length,
                         const Xapian::Stem &stem)
{
    std::vector<size_t> offsets;
    std::string folded = fold(original, &offsets);
    // No SNIPPET_BACKGROUND_MODEL: it looks up the frequency of every word of the passage,
    // 81% of a search's CPU in the benchmark (docs/PERFORMANCE.md, Search).
    std::string out = mset.snippet(folded, length, stem, Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                   SEARCH_MARK_START, SEARCH_MARK_END, OMIT_MARK);
    // Split into the plain folded passage and the marks found along it.
    std::string plain;
    std::vector<std::pair<size_t, const char *>> marks; // position in plain, what to insert
    for (size_t i = 0; i < out.size();) {
        if (out.compare(i, 3, SEARCH_MARK_START) == 0) {
            marks.emplace_back(plain.size(), SEARCH_MARK_START);
            i += 3;
        } else if (out.compare(i, 3, SEARCH_MARK_END) == 0) {
            marks.emplace_back(plain.size(), SEARCH_MARK_END);
            i += 3;
        } else if (out.compare(i, 3, OMIT_MARK) == 0) {
            marks.emplace_back(plain.size(), ELLIPSIS);
            i += 3;
        } else if (out.compare(i, 5, "&amp;") == 0) {
            plain += '&', i += 5;
        } else if (out.compare(i, 4, "&lt;") == 0) {
            plain += '<', i += 4;
        } else if (out.compare(i, 4, "&gt;") == 0) {
            plain += '>', i += 4;
        } else {
            plain += out[i++];
        }
    }
    size_t base = plain.empty() ? std::string::npos : folded.find(plain);
    std::string result;
    if (base == std::string::npos) { // cannot happen: snippet() copies runs of its input
        size_t done = 0;
        for (auto &m : marks) {
            result.append(plain, done, m.first - done);
            result += m.second;
            done = m.first;
        }
        result.append(plain, done, std::string::npos);
        return result;
    }
    size_t done = 0;
    for (auto &m : marks) {
        result.append(original, offsets[base + done], offsets[base + m.first] - offsets[base + done]);
        result += m.second;
        done = m.first;
    }
    result.append(original, offsets[base + done],
                  offsets[base + plain.size()] - offsets[base + done]);
    return result;
}

} // namespace

// ---- Results ----------------------------------------------------------------------------

struct search_results {
    struct Stored_hit {
        std::string kind, data, snippet;
    };
    uint64_t total = 0;
    int total_exact = 1;
    std::vector<Stored_hit> store;
    std::vector<search_hit> hits; // pointing into store
    FacetValues facets[4];        // type, community, author, tag
    std::string correction;
    bool has_correction = false;
};

namespace {

const char *const FACET_NAMES[4] = {"type", "community", "author", "tag"};

int facet_index(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, FACET_NAMES[i]) == 0)
            return i;
    return -1;
}

void run_query(search_db *db, const search_query *q, search_results *r)
{
    Lang &lang = db->lang(q->language);
    std::string text = without_dangling_signs(lower_capitalised(fold(str(q->text))));
    bool no_words = blank(text);

    Xapian::QueryParser qp;
    setup_parser(qp, db, lang);
    Xapian::Query filter = filter_query(q);
    Xapian::Query words = no_words ? Xapian::Query::MatchAll
                                   : parse_text(qp, text,
                                                Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
    Xapian::Enquire enquire(db->rdb);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, words, filter));
    // With no words every hit weighs the same: newest first is the only useful order.
    if (q->sort == SEARCH_SORT_DATE || no_words)
        enquire.set_sort_by_value_then_relevance(SLOT_DATE, true);

    Xapian::ValueCountMatchSpy kinds(SLOT_KIND), communities(SLOT_COMMUNITY),
        authors(SLOT_AUTHOR);
    TagSpy tags;
    if (q->facets) {
        enquire.add_matchspy(&kinds);
        enquire.add_matchspy(&communities);
        enquire.add_matchspy(&authors);
        enquire.add_matchspy(&tags);
    }
    size_t limit = std::min(q->limit, MAX_LIMIT);
    Xapian::doccount offset = static_cast<Xapian::doccount>(std::min<size_t>(q->offset, 1u << 30));
    Xapian::MSet mset = enquire.get_mset(offset, static_cast<Xapian::doccount>(limit),
                                         CHECK_AT_LEAST);

    r->store.clear();
    r->hits.clear();
    r->total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    r->total = r->total_exact ? mset.get_matches_lower_bound() : mset.get_matches_estimated();
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
        Stored s = decode_data(it.get_document().get_data());
        search_results::Stored_hit h;
        if (q->snippet_length && !s.text.empty())
            h.snippet = make_snippet(mset, s.text, q->snippet_length, lang.stem);
        h.kind = std::move(s.kind);
        h.data = std::move(s.data);
        r->store.push_back(std::move(h));
        search_hit hit;
        hit.id = s.id;
        hit.date = s.date;
        hit.percent = no_words ? 100 : it.get_percent();
        r->hits.push_back(hit);
    }
    for (size_t i = 0; i < r->hits.size(); i++) {
        r->hits[i].kind = r->store[i].kind.c_str();
        r->hits[i].data = r->store[i].data.c_str();
        r->hits[i].snippet = r->store[i].snippet.c_str();
    }

    if (q->facets) {
        r->facets[0] = facet_of(kinds);
        r->facets[1] = facet_of(communities);
        r->facets[2] = facet_of(authors);
        FacetValues t;
        for (auto &e : tags.counts)
            t.emplace_back(e.second.first, e.second.second);
        sort_facet(t);
        r->facets[3] = std::move(t);
    }

    // "Did you mean": Xapian's spelling table holds the words of every item, visible or
    // not, so a correction is offered only if it finds something under the same filter.
    r->has_correction = false;
    if (!no_words && r->total < FEW_RESULTS) {
        std::string corrected = qp.get_corrected_query_string();
        if (!corrected.empty() && corrected != text) {
            Xapian::Enquire check(db->rdb);
            check.set_query(Xapian::Query(Xapian::Query::OP_FILTER, parse_text(qp, corrected, 0),
                                          filter));
            if (check.get_mset(0, 1).size() > 0) {
                r->correction = corrected;
                r->has_correction = true;
            }
        }
    }
}

} // namespace

// ---- The C API --------------------------------------------------------------------------

const char *search_status_string(search_status st)
{
    static_assert(sizeof(search_status) == sizeof(int), "C and C++ agree on the enum size");
    int code; // as an int: C callers may pass any value, which a C++ enum cannot hold
    memcpy(&code, &st, sizeof code);
    switch (code) {
    case SEARCH_OK: return "ok";
    case SEARCH_BAD_QUERY: return "bad query";
    case SEARCH_NOT_FOUND: return "no search index";
    case SEARCH_LOCKED: return "search index locked";
    case SEARCH_IO: return "search index unreadable";
    case SEARCH_NO_MEMORY: return "out of memory";
    case SEARCH_INTERNAL: return "internal search error";
    }
    return "unknown search status";
}

const char *search_last_error(void)
{
    return last_error;
}

search_status search_open(const char *dir, search_mode mode, search_db **out)
{
    search_db *db = nullptr;
    search_status st = guard([&] {
        if (!dir || !*dir || !out)
            fail(SEARCH_BAD_QUERY, "search_open: no directory");
        *out = nullptr;
        db = new search_db;
        db->dir = dir;
        db->writer = mode == SEARCH_WRITE;
        if (db->writer)
            open_writer(db);
        else
            open_reader(db);
        *out = db;
    });
    if (st != SEARCH_OK)
        delete db;
    return st;
}

void search_close(search_db *db)
{
    if (!db)
        return;
    guard([&] {
        if (db->writer)
            db->wdb.close(); // cancels the transaction: drops what was not committed
        if (db->rebuild)
            remove_tree(db->path()); // an abandoned rebuild
    });
    delete db;
}

search_status search_rebuild_begin(const char *dir, search_db **out)
{
    search_db *db = nullptr;
    search_status st = guard([&] {
        if (!dir || !*dir || !out)
            fail(SEARCH_BAD_QUERY, "search_rebuild_begin: no directory");
        *out = nullptr;
        db = new search_db;
        db->dir = dir;
        db->writer = true;
        make_dir(db->dir);
        db->gen = make_generation(db->dir);
        db->rebuild = true;
        db->wdb = Xapian::WritableDatabase(db->path(), Xapian::DB_CREATE_OR_OPEN);
        db->rdb = db->wdb;
        *out = db;
    });
    if (st != SEARCH_OK)
        search_close(db);
    return st;
}

search_status search_rebuild_finish(search_db *db)
{
    search_status st = guard([&] {
        if (!db || !db->rebuild)
            fail(SEARCH_INTERNAL, "search_rebuild_finish: not a rebuild");
        db->wdb.commit();
        db->wdb.close();
        // Frequent commits leave the B-trees' blocks half full: a compacted copy is 40%
        // smaller (468 → 288 MiB for 20,000 documents), for 3 s. It becomes the generation
        // made live; the copy is reserved like any other so a crash leaves nothing unnamed.
        std::string compacted = make_generation(db->dir);
        try {
            Xapian::Database(db->path()).compact(db->dir + "/" + compacted);
        } catch (...) {
            remove_tree(db->dir + "/" + compacted);
            throw;
        }
        remove_tree(db->path());
        db->gen = compacted;
        std::string replaced;
        bool had = read_current(db->dir, replaced) == 0;
        swap_current(db->dir, db->gen);
        db->rebuild = false; // live now: search_close() must not remove it
        if (had) {
            // Older than the one replaced: nobody should still be opening them. Readers with
            // files open keep them (Linux frees the inode at the last close).
            long limit = gen_number(replaced), ours = gen_number(db->gen);
            for (long n : list_generations(db->dir))
                if (n < limit && n != ours) // ours: if a newer rebuild finished first
                    remove_tree(db->dir + "/" + gen_name(n));
        }
    });
    search_close(db);
    return st;
}

int search_is_stale(search_db *db)
{
    if (!db || db->rebuild)
        return 0;
    std::string gen;
    try {
        return read_current(db->dir, gen) != 0 || gen != db->gen;
    } catch (...) {
        return 1;
    }
}

search_status search_put(search_db *db, const search_item *item)
{
    return guard([&] { put_item(db, item); });
}

search_status search_delete(search_db *db, const char *kind, int64_t id)
{
    return guard([&] {
        need_writer(db);
        if (!kind || !*kind)
            fail(SEARCH_BAD_QUERY, "search_delete: no kind");
        db->wdb.delete_document(id_term(fold_key(kind), id));
    });
}

search_status search_commit(search_db *db)
{
    return guard([&] {
        need_writer(db);
        if (db->rebuild) {
            db->wdb.commit(); // not live yet: intermediate commits are harmless
        } else {
            db->in_transaction = false;
            db->wdb.commit_transaction();
        }
    });
}

search_status search_set_metadata(search_db *db, const char *key, const char *value)
{
    return guard([&] {
        need_writer(db);
        if (!key || !*key)
            fail(SEARCH_BAD_QUERY, "search_set_metadata: empty key");
        db->wdb.set_metadata(key, str(value));
    });
}

search_status search_get_metadata(search_db *db, const char *key, char **out)
{
    return guard([&] {
        if (!db || !out)
            fail(SEARCH_INTERNAL, "search_get_metadata: no handle");
        *out = nullptr;
        if (!key || !*key)
            fail(SEARCH_BAD_QUERY, "search_get_metadata: empty key");
        std::string v;
        reading(db, [&] { v = db->rdb.get_metadata(key); });
        char *copy = static_cast<char *>(malloc(v.size() + 1));
        if (!copy)
            throw std::bad_alloc();
        memcpy(copy, v.c_str(), v.size() + 1);
        *out = copy;
    });
}

search_status search_count(search_db *db, uint64_t *out)
{
    return guard([&] {
        if (!db || !out)
            fail(SEARCH_INTERNAL, "search_count: no handle");
        reading(db, [&] { *out = db->rdb.get_doccount(); });
    });
}

search_status search_run(search_db *db, const search_query *q, search_results **out)
{
    search_results *r = nullptr;
    search_status st = guard([&] {
        if (!db || !q || !out)
            fail(SEARCH_INTERNAL, "search_run: no handle or query");
        *out = nullptr;
        if (q->text && strlen(q->text) > MAX_QUERY_BYTES)
            fail(SEARCH_BAD_QUERY, "query longer than 1000 bytes");
        r = new search_results;
        if (q->naccess_keys > 0 && q->access_keys)
            reading(db, [&] { run_query(db, q, r); });
        *out = r;
    });
    if (st != SEARCH_OK)
        delete r;
    return st;
}

uint64_t search_results_total(const search_results *r) { return r ? r->total : 0; }
int search_results_total_exact(const search_results *r) { return r ? r->total_exact : 1; }
size_t search_results_size(const search_results *r) { return r ? r->hits.size() : 0; }

const search_hit *search_results_hit(const search_results *r, size_t i)
{
    return r && i < r->hits.size() ? &r->hits[i] : nullptr;
}

size_t search_results_facet_size(const search_results *r, const char *facet)
{
    int f = facet_index(facet);
    return r && f >= 0 ? r->facets[f].size() : 0;
}

void search_results_facet(const search_results *r, const char *facet, size_t i,
                          const char **value, uint64_t *count)
{
    int f = facet_index(facet);
    bool ok = r && f >= 0 && i < r->facets[f].size();
    if (value)
        *value = ok ? r->facets[f][i].first.c_str() : nullptr;
    if (count)
        *count = ok ? r->facets[f][i].second : 0;
}

const char *search_results_correction(const search_results *r)
{
    return r && r->has_correction ? r->correction.c_str() : nullptr;
}

void search_results_free(search_results *r)
{
    delete r;
}

search_status search_fold(const char *text, char **out)
{
    return guard([&] {
        if (!out)
            fail(SEARCH_INTERNAL, "search_fold: nowhere to put the result");
        *out = nullptr;
        std::string folded = fold_key(str(text));
        *out = strdup(folded.c_str());
        if (!*out)
            throw std::bad_alloc();
    });
}
