/* demo.c - the demo document library: folders, documents, versions and statuses, loaded once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "community/community_sql.h"
#include "document/document.h"
#include "people/demo.h"
#include "util/log.h"

/*
 * The files are the texts of shared/corpus and a few small office documents of
 * tests/fixtures/documents, bundled in scripts/demo/documents (see its README). Communities
 * are named by slug and people by e-mail, both from people/demo.c's tables; each community's
 * first member there (its animator) validates and archives.
 */
typedef struct demo_doc {
    const char *community;
    const char *folder;             /* "Parent/Child", NULL = the library's root */
    const char *author;
    const char *title, *description;
    const char *tags[4];            /* NULL ends the list */
    const char *status;             /* draft, in_review, validated, archived */
    const char *files[2];           /* the first version's file, then a second one or NULL */
    const char *comments[2];
} demo_doc;

static const demo_doc demo_docs[] = {
    {"solutions-collaboratives", "Retours d'expérience", "elodie.fabre@ght-vaucluse.test",
     "Solutions collaboratives, vous en êtes où ? — le fil du forum",
     "Le fil de discussion à l'origine de cet espace : pourquoi nos établissements, « embourbés "
     "dans la gestion des droits et le suivi des versions des documents », exploitent si peu la "
     "GED et le réseau social d'entreprise, et comment concilier cloud, RGPD et hébergement de "
     "données de santé (HDS).",
     {"GED", "RSE", "RGPD", NULL}, "validated",
     {"forum-solutions-collaboratives.txt", NULL}, {"Export du fil de discussion (mars 2018)"}},
    {"solutions-collaboratives", "Retours d'expérience", "julien.roux@ght-vaucluse.test",
     "Un annuaire commun pour la convergence numérique du GHT",
     "Entretien avec la DSI du GHT du Vaucluse : rassembler les utilisateurs des dix "
     "établissements dans un annuaire unique, première pierre du dossier patient territorial.",
     {"annuaire", "convergence numérique", "GHT", NULL}, "validated",
     {"ght-vaucluse-annuaire.txt", NULL}, {""}},
    {"projet-dmp", "Témoignages", "thomas.lefevre@ght-vaucluse.test",
     "Alimenter le DMP depuis le dossier patient : un témoignage",
     "Comment un groupe de cliniques a choisi des destinataires par défaut pour chaque modèle de "
     "document afin de pousser les comptes rendus vers le DMP. Des pistes pour notre propre "
     "déploiement.",
     {"DMP", "DPI", NULL}, "validated",
     {"temoignage-dmp-hopital-manager.txt", NULL}, {""}},
    {"projet-dmp", "Projet DMP/Pilotage", "thomas.lefevre@ght-vaucluse.test",
     "Comité de pilotage — support de séance",
     "Ordre du jour et diapositives du comité de pilotage du GHT : avancement du déploiement, "
     "télémédecine, décisions attendues.",
     {"COPIL", "télémédecine", NULL}, "validated",
     {"copil.pptx", NULL}, {""}},
    {"parcours-personnes-agees", "Procédures/Hygiène", "paul.chabert@ehpad-les-oliviers.test",
     "Procédure d'hygiène des mains",
     "Friction hydro-alcoolique avant chaque soin : la procédure commune aux services de "
     "médecine et à l'EHPAD Les Oliviers pour les retours d'hospitalisation.",
     {"hygiène", "qualité", "procédure", NULL}, "validated",
     {"procedure.docx", "procedure.pdf"},
     {"Première rédaction", "Version PDF relue par l'équipe opérationnelle d'hygiène"}},
    {"parcours-personnes-agees", "Projet médical", "helene.garnier@ght-vaucluse.test",
     "Projet médical partagé — filière gériatrique",
     "Le volet gériatrique et soins de suite du projet médical partagé du GHT, soumis à la "
     "relecture des partenaires médico-sociaux.",
     {"projet médical", "gériatrie", NULL}, "in_review",
     {"projet.odt", NULL}, {""}},
    {"parcours-personnes-agees", NULL, "isabelle.roche@ehpad-les-oliviers.test",
     "Capacités d'accueil des EHPAD partenaires",
     "Nombre de lits par établissement, pour orienter les sorties d'hospitalisation. Chaque "
     "structure complète sa ligne.",
     {"EHPAD", "capacités", NULL}, "draft",
     {"lits.xlsx", NULL}, {""}},
    {"esms-numerique", "Comptes rendus", "anne-laure.blanc@ime-le-mistral.test",
     "Journée de la communauté de pratiques ANAP — 7 février 2020",
     "Les points clés de l'atelier ESMS numérique : plannings d'activités à synchroniser entre "
     "structures, attentes envers le dossier usager informatisé (DUI), lien avec le DMP.",
     {"ANAP", "DUI", "ESMS numérique", NULL}, "validated",
     {"journee.md", "anap-journee-medico-social-2020.md"},
     {"Premiers points clés, notés pendant l'atelier", "Compte rendu complet de la journée"}},
    {"esms-numerique", "Veille", "sandrine.morel@ars-paca.test",
     "TSN : les ARS témoignent des apports du programme (dépêche, 2018)",
     "Dépêche TICsanté d'avril 2018 : les cinq ARS du programme Territoire de soins numérique "
     "racontent ce qu'il a apporté à la coordination des soins, et ce qui a résisté.",
     {"TSN", "ARS", "veille", NULL}, "validated",
     {"depeche-tsn-ars-2018.txt", NULL}, {""}},
    {"direction-des-soins", "Organisation des équipes", "helene.garnier@ght-vaucluse.test",
     "Tableau des astreintes de l'encadrement",
     "Qui joindre la nuit et le week-end : cadres et médecins d'astreinte des établissements du "
     "GHT. Interne à la direction des soins.",
     {"astreintes", "organisation", NULL}, "validated",
     {"astreintes.ods", NULL}, {""}},
    {"direction-des-soins", "Procédures/Hygiène", "nadia.benali@ght-vaucluse.test",
     "Hygiène des mains : déclinaison pour les services de soins",
     "Version de travail des cadres de santé, à partir de la procédure commune.",
     {"hygiène", "procédure", NULL}, "draft",
     {"procedure.docx", NULL}, {"Reprise de la procédure commune"}},
    {"territoire-soins-numerique", NULL, "francois.girard@ars-paca.test",
     "Bilan du programme TSN vu par les ARS",
     "La dépêche de 2018 qui a servi de point de départ au retour d'expérience de cet espace.",
     {"TSN", "bilan", NULL}, "archived",
     {"depeche-tsn-ars-2018.txt", NULL}, {""}},
};
static const int demo_ndocs = sizeof demo_docs / sizeof demo_docs[0];

static const char sql_claim[] =
    "INSERT INTO platform_settings (key, value)"
    " SELECT 'demo.documents', to_jsonb(now())"
    "  WHERE EXISTS (SELECT 1 FROM platform_settings WHERE key = 'demo.loaded')"
    " ON CONFLICT (key) DO NOTHING RETURNING key";

static const char sql_community[] = "SELECT id FROM communities WHERE slug = $1";
static const char sql_person[] = "SELECT id FROM users WHERE email = $1";
static const char sql_folder[] =
    "SELECT id FROM folders WHERE community_id = $1 AND parent_id IS NOT DISTINCT FROM"
    " nullif($2::bigint, 0) AND name = $3";

#define TMP_PATH_MAX 4200

typedef struct loader {
    db_conn *db;
    blob_store *bs;
    arena *a;
    const char *files_dir;
    char tmp_dir[4096];
    int folders, documents, versions;
    unsigned long long bytes;
} loader;

/* mkdir -p with mode 0750, like `relais serve` does for DATA_DIR. */
static rstatus make_dirs(const char *path)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
        return ST_INTERNAL;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0750);
            *s = '/';
        }
    if (mkdir(p, 0750) != 0 && errno != EEXIST) {
        log_error("demo documents: cannot create %s: %s", p, strerror(errno));
        return ST_INTERNAL;
    }
    return ST_OK;
}

/* An audit context acting as the demo person with this e-mail (anonymous when gone). */
static rstatus as_person(loader *l, const char *email, audit_ctx *ctx)
{
    const char *params[] = {email};
    long long id = 0;
    rstatus st = csql_ll(l->db, sql_person, 1, params, &id);
    if (st != ST_OK && st != ST_NOT_FOUND)
        return st;
    *ctx = (audit_ctx){.actor_id = st == ST_OK ? id : 0,
                       .actor_email = st == ST_OK ? email : NULL,
                       .user_agent = "relais admin load-demo"};
    return ST_OK;
}

/* The e-mail of the community's animator in people/demo.c (its first member). */
static const char *animator(const char *slug)
{
    for (int i = 0; i < demo_ncommunities; i++)
        if (!strcmp(demo_communities[i].slug, slug))
            return demo_people[demo_communities[i].members[0].person].email;
    return NULL;
}

/* The folder at path ("A/B") in the community, each missing level created. */
static rstatus folder_at(loader *l, const audit_ctx *ctx, long long community_id,
                         const char *path, long long *id)
{
    *id = 0;
    char cb[24], pb[24], name[FOLDER_NAME_MAX + 1];
    for (const char *s = path; s && *s;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 0 || n > FOLDER_NAME_MAX)
            return ST_INTERNAL;     /* cannot happen: the paths are in the table above */
        memcpy(name, s, n);
        name[n] = '\0';
        const char *params[] = {csql_id(cb, community_id), csql_id(pb, *id), name};
        long long found;
        rstatus st = csql_ll(l->db, sql_folder, 3, params, &found);
        if (st == ST_NOT_FOUND) {
            char err[160] = "";
            st = doc_folder_create(l->db, ctx, community_id, *id, name, &found, err, sizeof err);
            if (st != ST_OK && *err)
                log_error("demo documents: folder %s: %s", path, err);
            if (st == ST_OK)
                l->folders++;
        }
        if (st != ST_OK)
            return st;
        *id = found;
        s = slash ? slash + 1 : NULL;
    }
    return ST_OK;
}

/*
 * The bundled file copied to a new file in DATA_DIR/tmp, locked like an upload in flight so
 * that no sweep takes it; *fd stays open (and the lock held) until the caller closes it.
 */
static rstatus copy_to_tmp(loader *l, const char *src, char path[TMP_PATH_MAX], int *fd)
{
    *fd = -1;
    path[0] = '\0';
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        int e = errno;
        log_error("demo documents: cannot read %s: %s", src, strerror(e));
        return e == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
    }
    int len = snprintf(path, TMP_PATH_MAX, "%s/demo-XXXXXX", l->tmp_dir);
    int out = len > 0 && len < TMP_PATH_MAX ? mkostemp(path, O_CLOEXEC) : -1;
    if (out < 0) {
        log_error("demo documents: cannot create a file in %s: %s", l->tmp_dir, strerror(errno));
        path[0] = '\0';
        close(in);
        return ST_INTERNAL;
    }
    (void)flock(out, LOCK_SH | LOCK_NB);     /* a fresh file: nobody else holds a lock on it */
    *fd = out;
    char chunk[65536];
    bool failed = false;
    for (;;) {
        ssize_t n = read(in, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            failed = n < 0;
            break;
        }
        for (ssize_t done = 0; done < n && !failed;) {
            ssize_t w = write(out, chunk + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            failed = w <= 0;
            done += w > 0 ? w : 0;
        }
        if (failed)
            break;
    }
    close(in);
    if (failed) {
        log_error("demo documents: cannot copy %s to %s: %s", src, path, strerror(errno));
        return ST_INTERNAL;
    }
    return ST_OK;
}

/* A version's content from a bundled file, put in the blob store: what take_file() does. */
static rstatus take(loader *l, const char *name, const char *comment, doc_upload *up)
{
    char src[4096], tmp[TMP_PATH_MAX];
    if (snprintf(src, sizeof src, "%s/%s", l->files_dir, name) >= (int)sizeof src)
        return ST_INTERNAL;
    int fd;
    unsigned char sha256[BLOB_HASH_LEN];
    unsigned long long size;
    rstatus st = copy_to_tmp(l, src, tmp, &fd);     /* logs its failures */
    if (st != ST_OK) {
        if (*tmp)
            unlink(tmp);
        if (fd >= 0)
            close(fd);
        return st;
    }
    st = blob_hash_file(tmp, sha256, &size);
    if (st == ST_OK)
        st = doc_upload_take(l->bs, tmp, sha256, name, comment, l->a, up);
    if (st != ST_OK) {
        log_error("demo documents: %s could not be stored (%s)", src, status_message(st));
        unlink(tmp);
    }
    close(fd);
    if (st == ST_OK)
        l->bytes += up->size;
    return st;
}

/* Moves the document along the workflow, as its author and the community's animator would. */
static rstatus advance(loader *l, long long id, const char *status, const audit_ctx *author,
                       const audit_ctx *animator_ctx)
{
    static const char *const steps[] = {"in_review", "validated", "archived"};
    int last = !strcmp(status, "in_review") ? 0 : !strcmp(status, "validated") ? 1
             : !strcmp(status, "archived")  ? 2 : -1;
    for (int i = 0; i <= last; i++) {
        doc_facts f;
        rstatus st = doc_facts_load(l->db, id, true, &f);
        if (st != ST_OK)
            return st;
        doc_input in = {.status = steps[i]};
        char err[160] = "";
        if ((st = doc_update(l->db, i == 0 ? author : animator_ctx, &f, &in, err, sizeof err)) !=
            ST_OK)
            return st;
    }
    return ST_OK;
}

static rstatus load_one(loader *l, const demo_doc *d)
{
    long long community_id;
    const char *slug[] = {d->community};
    rstatus st = csql_ll(l->db, sql_community, 1, slug, &community_id);
    if (st == ST_NOT_FOUND) {
        log_warn("demo documents: community %s is gone; its documents are skipped", d->community);
        return ST_OK;
    }
    if (st != ST_OK)
        return st;
    const char *anim = animator(d->community);
    if (!anim)
        return ST_INTERNAL;     /* cannot happen: the slugs come from people/demo.c */
    audit_ctx author, validator;
    long long folder_id = 0;
    if ((st = as_person(l, d->author, &author)) != ST_OK ||
        (st = as_person(l, anim, &validator)) != ST_OK ||
        (st = folder_at(l, &author, community_id, d->folder, &folder_id)) != ST_OK)
        return st;
    doc_upload up;
    if ((st = take(l, d->files[0], d->comments[0], &up)) != ST_OK)
        return st;
    int ntags = 0;
    while (ntags < 4 && d->tags[ntags])
        ntags++;
    doc_input in = {.title = d->title, .description = d->description, .folder_id = folder_id,
                    .folder_set = folder_id != 0, .tags = d->tags, .ntags = ntags,
                    .tags_set = true};
    long long id;
    char err[160] = "";
    if ((st = doc_create(l->db, &author, community_id, &in, &up, &id, err, sizeof err)) != ST_OK) {
        log_error("demo documents: %s: %s", d->title, *err ? err : status_message(st));
        return st;
    }
    l->documents++;
    l->versions++;
    if (d->files[1]) {
        doc_facts f;
        int number;
        if ((st = take(l, d->files[1], d->comments[1], &up)) != ST_OK ||
            (st = doc_facts_load(l->db, id, true, &f)) != ST_OK ||
            (st = doc_version_add(l->db, &author, &f, &up, &number)) != ST_OK)
            return st;
        l->versions++;
    }
    return advance(l, id, d->status, &author, &validator);
}

static rstatus load_all(loader *l)
{
    rstatus st = ST_OK;
    for (int i = 0; i < demo_ndocs && st == ST_OK; i++)
        st = load_one(l, &demo_docs[i]);
    if (st != ST_OK)
        return st;
    audit_ctx ctx = {.user_agent = "relais admin load-demo"};
    json_t *detail = json_pack("{s:s, s:i, s:i, s:i, s:I}", "via", "cli", "folders", l->folders,
                               "documents", l->documents, "versions", l->versions, "bytes",
                               (json_int_t)l->bytes);
    st = audit_record(l->db, &ctx, "demo.documents_loaded", NULL, NULL, 0, detail);
    json_decref(detail);
    return st;
}

rstatus doc_demo_load(db_conn *db, const char *data_dir, const char *files_dir, bool *loaded)
{
    *loaded = false;
    loader l = {.db = db, .files_dir = files_dir};
    char blob_dir[4096];
    snprintf(l.tmp_dir, sizeof l.tmp_dir, "%s/tmp", data_dir);
    snprintf(blob_dir, sizeof blob_dir, "%s/blobs", data_dir);
    rstatus st = db_begin(db);
    if (st != ST_OK)
        return st;
    /* The marker first: a second load at the same time waits here on the key, then finds it
     * taken (or takes it, should the first one fail) and changes nothing. */
    PGresult *res;
    if ((st = db_query(db, sql_claim, 0, NULL, &res)) != ST_OK) {
        db_rollback(db);
        return st;
    }
    bool claimed = PQntuples(res) == 1;
    PQclear(res);
    if (!claimed) {
        db_rollback(db);
        return ST_OK;
    }
    if ((st = make_dirs(l.tmp_dir)) == ST_OK && (st = blob_store_open(blob_dir, &l.bs)) == ST_OK) {
        l.a = arena_create(64 * 1024);
        st = l.a ? load_all(&l) : ST_NOMEM;
    }
    /* Every blob is in the store, durably, before the rows naming them commit. */
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK)
        db_rollback(db);
    arena_destroy(l.a);
    blob_store_close(l.bs);
    *loaded = st == ST_OK;
    return st;
}
