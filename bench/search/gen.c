/* gen.c - the search benchmark's documents: French-like health and social-care text, as COPY data. */

/*
 * bench/search/run compiles this file and pipes its output into psql's COPY ... FROM STDIN.
 * Every row is a pure function of (--seed, document number): each table is written by its
 * own invocation and they all agree (a document's community, tags, dates and media type come
 * from the same per-document random stream whatever the mode).
 *
 * The vocabulary, in Zipf rank order (probability of rank r proportional to 1/r):
 *   - the words of the real texts in --corpus-dir, most frequent first (French function
 *     words, then the field's own words), from --corpus-words (one word a line, by rank);
 *   - the domain entries of --domain (bench/search/words.txt) inserted at ranks 15, 19, 23...
 *     so that "patient" or "EHPAD" are common but below "de" and "la"; an entry with spaces
 *     ("prise en charge") is one draw, written whole, so phrase queries have something to find;
 *   - a tail of --tail synthetic French-like words ("bravonière"), the long tail a real
 *     corpus has, whose last ranks appear in a few hundred documents only ("rare words").
 *
 * Usage: gen MODE [options]
 *   MODE  documents | versions | tags | document_tags   COPY text rows for that table
 *         word RANK...                                   the vocabulary entry at each rank (1-based)
 *   -n N               generated documents (the corpus texts come on top)
 *   --tail N           synthetic words after the real ones (20000)
 *   --seed S           (1)
 *   --doc-base B       first document id is B + 1 (ids are B+1 ... B+N+corpus)
 *   --tag-base B       first tag id is B + 1
 *   --communities IDS  comma-separated community ids (documents are spread over them, unevenly)
 *   --authors IDS      comma-separated user ids
 *   --corpus-words F --domain F --tags F --corpus-dir D
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TAGS_PER_COMMUNITY 60
#define MAX_DOC_TAGS 4
#define TITLE_SKIP_RANKS 60 /* titles avoid the function words at the top of the ranking */
#define TAIL_DAMPING 0.35   /* the synthetic tail's Zipf weights are scaled by this */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- randomness: splitmix64, one independent stream per (document, purpose) ---------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static rng stream(uint64_t seed, uint64_t doc, uint64_t purpose)
{
    rng r = {seed * 0xD1B54A32D192ED03ull ^ doc * 0x9E3779B97F4A7C15ull ^ purpose << 56};
    next(&r);
    return r;
}

static double uniform(rng *r)
{
    return (double)(next(r) >> 11) * 0x1.0p-53;
}

/* An integer in [lo, hi]. */
static long between(rng *r, long lo, long hi)
{
    return lo + (long)(next(r) % (uint64_t)(hi - lo + 1));
}

/* ---- weighted draws over a cumulative table ------------------------------------------ */

typedef struct table {
    double *cum; /* cum[i] = sum of the weights of 0..i */
    size_t n;
} table;

/* Weight of index i: 1 / (i + 1)^s, times damping from index `from_damped` on. */
static table zipf_table(size_t n, double s, size_t from_damped, double damping)
{
    table t = {malloc(n * sizeof(double)), n};
    if (!t.cum)
        die("out of memory");
    double acc = 0;
    for (size_t i = 0; i < n; i++)
        t.cum[i] = acc += (i >= from_damped ? damping : 1.0) / pow((double)(i + 1), s);
    return t;
}

/* An index in [from, t.n) with the table's weights. */
static size_t draw_from(const table *t, rng *r, size_t from)
{
    double base = from ? t->cum[from - 1] : 0;
    double u = base + uniform(r) * (t->cum[t->n - 1] - base);
    size_t lo = from, hi = t->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- word lists ---------------------------------------------------------------------- */

typedef struct list {
    char **v;
    size_t n, cap;
} list;

static void push(list *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        if (!(l->v = realloc(l->v, l->cap * sizeof *l->v)))
            die("out of memory");
    }
    l->v[l->n++] = s;
}

/* One entry a line; '#' comments and blank lines skipped; entries holding a tab, a
 * backslash or a control character are dropped, so no word ever needs COPY escaping. */
static list read_list(const char *path, int required)
{
    list l = {0};
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        if (required)
            die("cannot read %s: %s", path ? path : "(no file given)", strerror(errno));
        return l;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        int ok = 1;
        for (ssize_t i = 0; i < len; i++)
            if ((unsigned char)line[i] < 0x20 || line[i] == '\\')
                ok = 0;
        if (ok)
            push(&l, strdup(line));
    }
    free(line);
    fclose(f);
    return l;
}

/* A small string set (open addressing), to keep the vocabulary free of duplicates. */
typedef struct set {
    const char **slot;
    size_t cap;
} set;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Adds s; 0 if it was there already. */
static int set_add(set *st, const char *s)
{
    size_t i = fnv(s) & (st->cap - 1);
    for (; st->slot[i]; i = (i + 1) & (st->cap - 1))
        if (!strcmp(st->slot[i], s))
            return 0;
    st->slot[i] = s;
    return 1;
}

/* French-like made-up words for the long tail: syllables and an ending. */
static char *pseudo_word(rng *r)
{
    static const char *const onset[] = {"b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g",
                                        "gr", "j", "l", "m", "n", "p", "pl", "pr", "r", "s",
                                        "t", "tr", "v", "vr"};
    static const char *const vowel[] = {"a", "e", "i", "o", "u", "ou", "é", "ai", "au", "eu",
                                        "on", "an", "in", "è", "oi"};
    static const char *const coda[] = {"", "", "", "", "r", "l", "s", "n"};
    static const char *const ending[] = {"ion", "eur", "ette", "ise", "age", "ment", "ique",
                                         "ole", "ière", "al", "ence", "ier", "oir", "ure", ""};
    char buf[96] = "";
    long syllables = between(r, 2, 3);
    for (long i = 0; i < syllables; i++) {
        strcat(buf, onset[next(r) % (sizeof onset / sizeof *onset)]);
        strcat(buf, vowel[next(r) % (sizeof vowel / sizeof *vowel)]);
        strcat(buf, coda[next(r) % (sizeof coda / sizeof *coda)]);
    }
    strcat(buf, ending[next(r) % (sizeof ending / sizeof *ending)]);
    char *s = strdup(buf);
    if (!s)
        die("out of memory");
    return s;
}

/* Used when no corpus is at hand: French still needs its function words. */
static const char *const function_words[] = {
    "de", "la", "le", "et", "les", "des", "à", "en", "du", "un", "une", "pour", "dans", "que",
    "qui", "est", "sur", "au", "par", "pas", "plus", "avec", "ne", "se", "ce", "il", "sont",
    "nous", "vous", "ou", "son", "sa", "ses", "leur", "leurs", "aux", "été", "être", "a", "ont",
    "mais", "comme", "tout", "cette", "ces", "entre", "sans", "aussi", "bien", "fait", "faire",
    "peut", "très", "deux", "ainsi", "dont", "lors", "afin"};

static list vocab;   /* every entry, rank order */
static table vocab_z;
static list domain;  /* the domain entries (also in vocab) */
static table domain_z;
static list tag_names;

static void build_vocabulary(const char *corpus_words, const char *domain_file, long tail,
                             uint64_t seed)
{
    list corpus = read_list(corpus_words, 0);
    if (corpus.n == 0)
        for (size_t i = 0; i < sizeof function_words / sizeof *function_words; i++)
            push(&corpus, strdup(function_words[i]));
    domain = read_list(domain_file, 1);
    set seen = {calloc(1 << 17, sizeof(char *)), 1 << 17};
    if (!seen.slot)
        die("out of memory");
    for (size_t i = 0; i < domain.n; i++)
        set_add(&seen, domain.v[i]);
    size_t ci = 0, di = 0;
    for (size_t pos = 0;; pos++) {
        if (di < domain.n && (pos == 15 + 4 * di || ci == corpus.n)) {
            push(&vocab, domain.v[di++]);
            continue;
        }
        while (ci < corpus.n && !set_add(&seen, corpus.v[ci]))
            ci++;
        if (ci == corpus.n) {
            if (di == domain.n)
                break;
            continue;
        }
        push(&vocab, corpus.v[ci++]);
    }
    size_t real = vocab.n;
    rng r = stream(seed, 0, 200);
    for (long i = 0; i < tail && vocab.n < (1u << 16); i++) {
        char *w;
        while (!set_add(&seen, w = pseudo_word(&r)))
            free(w);
        push(&vocab, w);
    }
    /* Real French text: the first few thousand words make up about nine tokens in ten. */
    vocab_z = zipf_table(vocab.n, 1.0, real, TAIL_DAMPING);
    domain_z = zipf_table(domain.n, 0.8, domain.n, 1.0);
}

/* ---- output: COPY text format -------------------------------------------------------- */

/* Where rows go: stdout, or for a moment a memory stream (a body, whose size comes first). */
static FILE *out;

static void put(const char *s)
{
    fputs_unlocked(s, out);
}

static void put_char(int c)
{
    putc_unlocked(c, out);
}

/* Text from outside (corpus files): COPY escapes, control characters as spaces. */
static void put_escaped(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            put("\\\\");
        else if (c == '\n')
            put("\\n");
        else if (c == '\t' || c == '\r' || c < 0x20 || c == 0x7f)
            put_char(' ');
        else
            put_char(c);
    }
}

/* A word with its first letter in upper case (ASCII and the Latin-1 letters é, à, ê...). */
static void put_capitalised(const char *w)
{
    unsigned char c0 = (unsigned char)w[0], c1 = (unsigned char)w[1];
    if (c0 >= 'a' && c0 <= 'z') {
        put_char(c0 - 32);
        put(w + 1);
    } else if (c0 == 0xC3 && c1 >= 0xA0 && c1 <= 0xBE && c1 != 0xB7) {
        put_char(0xC3);
        put_char(c1 - 0x20);
        put(w + 2);
    } else {
        put(w);
    }
}

/* A sentence of lo..hi draws; with probability bias a draw comes from the domain list. */
static void put_sentence(rng *r, long lo, long hi, double bias)
{
    long n = between(r, lo, hi);
    for (long i = 0; i < n; i++) {
        const char *w = uniform(r) < bias ? domain.v[draw_from(&domain_z, r, 0)]
                                          : vocab.v[draw_from(&vocab_z, r, 0)];
        if (i == 0) {
            put_capitalised(w);
        } else {
            put_char(' ');
            put(w);
            if (i + 1 < n && uniform(r) < 0.07)
                put_char(',');
        }
    }
    put_char('.');
}

/* ---- one document ---------------------------------------------------------------------- */

enum { P_META = 1, P_TITLE, P_DESCRIPTION, P_BODY };

static const struct media {
    const char *ext, *type;
    double share, size_factor;
} media[] = {
    {"pdf", "application/pdf", 0.45, 3.0},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0.25, 1.6},
    {"odt", "application/vnd.oasis.opendocument.text", 0.08, 1.4},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0.08, 2.0},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", 0.07, 8.0},
    {"txt", "text/plain", 0.04, 1.0},
    {"md", "text/markdown", 0.03, 1.0},
};

static const char *const statuses[] = {"validated", "draft", "in_review", "archived"};
static const double status_share[] = {0.60, 0.20, 0.10, 0.10};

typedef struct doc {
    long long id;
    size_t community;   /* index in --communities */
    long long author;
    time_t created, updated;
    int status, media;
    int ntags, tags[MAX_DOC_TAGS]; /* indexes in the community's tag subset */
    long body_words;
} doc;

static struct options {
    long n;
    uint64_t seed;
    long long doc_base, tag_base;
    long long *communities;
    size_t ncommunities;
    long long *authors;
    size_t nauthors;
    const char *corpus_words, *domain, *tags, *corpus_dir;
    long tail;
} opt = {.n = 1000, .seed = 1, .tail = 20000};

static list corpus_files; /* paths, sorted: the first documents */
static table community_z, author_z, tag_z;
static time_t t_start, t_end;

static int pick(rng *r, const double *share, int n)
{
    double u = uniform(r);
    for (int i = 0; i < n - 1; i++)
        if ((u -= share[i]) < 0)
            return i;
    return n - 1;
}

static doc doc_meta(long i)
{
    rng r = stream(opt.seed, (uint64_t)i, P_META);
    doc d = {.id = opt.doc_base + 1 + i};
    d.community = draw_from(&community_z, &r, 0);
    d.author = opt.authors[draw_from(&author_z, &r, 0)];
    d.created = t_start + (time_t)(uniform(&r) * (double)(t_end - t_start));
    d.updated = d.created + (time_t)(uniform(&r) * 45 * 86400);
    if (d.updated > t_end)
        d.updated = t_end;
    d.status = pick(&r, status_share, 4);
    double shares[sizeof media / sizeof *media];
    for (size_t k = 0; k < sizeof media / sizeof *media; k++)
        shares[k] = media[k].share;
    d.media = pick(&r, shares, (int)(sizeof media / sizeof *media));
    d.ntags = (int)between(&r, 1, MAX_DOC_TAGS);
    for (int k = 0; k < d.ntags; k++) {
        int t, dup;
        do {
            t = (int)draw_from(&tag_z, &r, 0);
            dup = 0;
            for (int j = 0; j < k; j++)
                dup |= d.tags[j] == t;
        } while (dup);
        d.tags[k] = t;
    }
    /* 200..1500 words, log-uniform: many short notes, fewer long reports. */
    d.body_words = lround(200.0 * exp(uniform(&r) * log(1500.0 / 200.0)));
    return d;
}

/* The tag subset of community index c: TAGS_PER_COMMUNITY names, a shuffle seeded by c. */
static void community_tags(size_t c, size_t out[TAGS_PER_COMMUNITY])
{
    size_t n = tag_names.n;
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    rng r = stream(opt.seed, c, 100);
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(next(&r) % (i + 1)), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < TAGS_PER_COMMUNITY; i++)
        out[i] = perm[i];
    free(perm);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot read %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (cap - n < 65536 && !(buf = realloc(buf, cap = cap * 2 + 65536)))
            die("out of memory");
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* "ght-vaucluse-annuaire.txt" -> "Ght vaucluse annuaire". */
static void put_corpus_title(const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    for (size_t i = 0; i < n; i++) {
        char c = base[i] == '-' || base[i] == '_' ? ' ' : base[i];
        put_char(i == 0 && c >= 'a' && c <= 'z' ? c - 32 : c);
    }
}

static void put_time(time_t t)
{
    struct tm tm;
    char s[40];
    gmtime_r(&t, &tm);
    strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S+00", &tm);
    put(s);
}

static void put_title(rng *r)
{
    long n = between(r, 4, 10);
    for (long i = 0; i < n; i++) {
        static const char *const link[] = {"de", "des", "du", "et", "pour", "dans la", "en", "sur"};
        const char *w;
        if (i > 0 && i + 1 < n && uniform(r) < 0.25)
            w = link[next(r) % (sizeof link / sizeof *link)];
        else if (uniform(r) < 0.5)
            w = domain.v[draw_from(&domain_z, r, 0)];
        else
            w = vocab.v[draw_from(&vocab_z, r, TITLE_SKIP_RANKS)];
        if (i == 0)
            put_capitalised(w);
        else {
            put_char(' ');
            put(w);
        }
    }
}

/* The title again, as a file name: lower-case ASCII kept, everything else a dash. */
static void put_filename(long i, const doc *d)
{
    char name[80];
    size_t n = 0;
    if ((size_t)i < corpus_files.n) {
        const char *p = strrchr(corpus_files.v[i], '/');
        put(p ? p + 1 : corpus_files.v[i]);
        return;
    }
    /* Re-draw the title into a buffer through a memory stream. */
    char *title = NULL;
    size_t tlen = 0;
    FILE *saved = out;
    if (!(out = open_memstream(&title, &tlen)))
        die("out of memory");
    rng r = stream(opt.seed, (uint64_t)i, P_TITLE);
    put_title(&r);
    fclose(out);
    out = saved;
    /* U+00C0..U+00FF without their accents ("é" -> "e"), as people name files. */
    static const char latin1[] = "aaaaaaaceeeeiiiidnooooo-ouuuuyts"
                                 "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
    for (size_t k = 0; k < tlen && n < 60; k++) {
        unsigned char c = (unsigned char)title[k];
        if (c == 0xC3 && k + 1 < tlen && title[k + 1] & 0x80)
            c = (unsigned char)latin1[((unsigned char)title[++k] & 0x3F)];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            name[n++] = (char)c;
        else if (c < 0x80 || (c & 0xC0) == 0xC0)
            if (n > 0 && name[n - 1] != '-')
                name[n++] = '-';
    }
    while (n > 0 && name[n - 1] == '-')
        n--;
    if (n == 0)
        name[n++] = 'x';
    name[n] = '\0';
    free(title);
    fprintf(out, "%s.%s", name, media[d->media].ext);
}

static void row_document(long i)
{
    doc d = doc_meta(i);
    fprintf(out, "%lld\t%lld\t", d.id, opt.communities[d.community]);
    if ((size_t)i < corpus_files.n) {
        size_t len;
        char *text = read_file(corpus_files.v[i], &len);
        put_corpus_title(corpus_files.v[i]);
        put_char('\t');
        /* The description: the first line with letters, up to 300 bytes (whole characters). */
        char *p = text;
        while (*p && (*p == '\n' || *p == '#' || *p == ' '))
            p++;
        size_t n = strcspn(p, "\n");
        if (n > 300)
            for (n = 300; n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80; n--)
                ;
        put_escaped(p, n);
        free(text);
    } else {
        rng r = stream(opt.seed, (uint64_t)i, P_TITLE);
        put_title(&r);
        put_char('\t');
        r = stream(opt.seed, (uint64_t)i, P_DESCRIPTION);
        long sentences = between(&r, 1, 2);
        for (long k = 0; k < sentences; k++) {
            if (k)
                put_char(' ');
            put_sentence(&r, 8, 20, 0.25);
        }
    }
    fprintf(out, "\t%s\t1\t1\t%lld\t", statuses[d.status], d.author);
    put_time(d.created);
    put_char('\t');
    put_time(d.updated);
    put_char('\n');
}

static void row_version(long i)
{
    doc d = doc_meta(i);
    /* The extracted text is written first into the row, its byte count is the blob's size. */
    fprintf(out, "%lld\t1\t\\\\xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\t", d.id);
    long body_bytes;
    char *text = NULL;
    size_t len = 0;
    if ((size_t)i < corpus_files.n) {
        text = read_file(corpus_files.v[i], &len);
        body_bytes = (long)len;
    } else {
        FILE *saved = out;
        if (!(out = open_memstream(&text, &len)))
            die("out of memory");
        rng r = stream(opt.seed, (uint64_t)i, P_BODY);
        long words = 0, in_paragraph = 0, paragraph = between(&r, 3, 7);
        while (words < d.body_words) {
            long n = between(&r, 6, 22);
            if (words + n > d.body_words)
                n = d.body_words - words < 3 ? 3 : d.body_words - words;
            if (words)
                put(in_paragraph == 0 ? "\\n\\n" : " ");
            put_sentence(&r, n, n, 0.05);
            words += n;
            if (++in_paragraph == paragraph) {
                in_paragraph = 0;
                paragraph = between(&r, 3, 7);
            }
        }
        fclose(out);
        out = saved;
        body_bytes = (long)len;
    }
    fprintf(out, "%ld\t%s\t", (long)(body_bytes * media[d.media].size_factor), media[d.media].type);
    put_filename(i, &d);
    fprintf(out, "\t%lld\t", d.author);
    put_time(d.updated);
    put("\tdone\t");
    if ((size_t)i < corpus_files.n)
        put_escaped(text, len);
    else
        fwrite(text, 1, len, out);
    put_char('\n');
    free(text);
}

static void row_document_tags(long i)
{
    doc d = doc_meta(i);
    for (int k = 0; k < d.ntags; k++)
        fprintf(out, "%lld\t%lld\n", d.id,
               opt.tag_base + 1 + (long long)d.community * TAGS_PER_COMMUNITY + d.tags[k]);
}

static void rows_tags(void)
{
    size_t subset[TAGS_PER_COMMUNITY];
    for (size_t c = 0; c < opt.ncommunities; c++) {
        community_tags(c, subset);
        for (size_t k = 0; k < TAGS_PER_COMMUNITY; k++) {
            fprintf(out, "%lld\t%lld\t%s\t", opt.tag_base + 1 + (long long)(c * TAGS_PER_COMMUNITY + k),
                   opt.communities[c], tag_names.v[subset[k]]);
            put_time(t_start);
            put_char('\n');
        }
    }
}

/* ---- command line -------------------------------------------------------------------- */

static long long *parse_ids(const char *s, size_t *n)
{
    long long *ids = NULL;
    *n = 0;
    for (const char *p = s; *p;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v <= 0)
            die("bad id list: %s", s);
        if (!(ids = realloc(ids, (*n + 1) * sizeof *ids)))
            die("out of memory");
        ids[(*n)++] = v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            die("bad id list: %s", s);
    }
    return ids;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_corpus(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 3 && (!strcmp(e->d_name + n - 3, ".md") || (n > 4 && !strcmp(e->d_name + n - 4, ".txt")))) {
            char *path;
            if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
                die("out of memory");
            push(&corpus_files, path);
        }
    }
    closedir(d);
    if (corpus_files.n)
        qsort(corpus_files.v, corpus_files.n, sizeof *corpus_files.v, by_name);
}

int main(int argc, char **argv)
{
    enum { O_SEED = 256, O_DOC_BASE, O_TAG_BASE, O_COMMUNITIES, O_AUTHORS, O_CORPUS_WORDS,
           O_DOMAIN, O_TAGS, O_CORPUS_DIR, O_TAIL };
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, O_SEED},
        {"doc-base", required_argument, NULL, O_DOC_BASE},
        {"tag-base", required_argument, NULL, O_TAG_BASE},
        {"communities", required_argument, NULL, O_COMMUNITIES},
        {"authors", required_argument, NULL, O_AUTHORS},
        {"corpus-words", required_argument, NULL, O_CORPUS_WORDS},
        {"domain", required_argument, NULL, O_DOMAIN},
        {"tags", required_argument, NULL, O_TAGS},
        {"corpus-dir", required_argument, NULL, O_CORPUS_DIR},
        {"tail", required_argument, NULL, O_TAIL},
        {NULL, 0, NULL, 0},
    };
    const char *communities = "1", *authors = "1";
    int c;
    while ((c = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': opt.n = atol(optarg); break;
        case O_SEED: opt.seed = strtoull(optarg, NULL, 10); break;
        case O_DOC_BASE: opt.doc_base = atoll(optarg); break;
        case O_TAG_BASE: opt.tag_base = atoll(optarg); break;
        case O_COMMUNITIES: communities = optarg; break;
        case O_AUTHORS: authors = optarg; break;
        case O_CORPUS_WORDS: opt.corpus_words = optarg; break;
        case O_DOMAIN: opt.domain = optarg; break;
        case O_TAGS: opt.tags = optarg; break;
        case O_CORPUS_DIR: opt.corpus_dir = optarg; break;
        case O_TAIL: opt.tail = atol(optarg); break;
        default: return 2;
        }
    }
    if (optind >= argc)
        die("usage: gen documents|versions|tags|document_tags|word RANK... [options] (see gen.c)");
    const char *mode = argv[optind];
    opt.communities = parse_ids(communities, &opt.ncommunities);
    opt.authors = parse_ids(authors, &opt.nauthors);

    static char outbuf[1 << 20];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    out = stdout;
    build_vocabulary(opt.corpus_words, opt.domain, opt.tail, opt.seed);
    if (!strcmp(mode, "word")) {
        for (int i = optind + 1; i < argc; i++) {
            long rank = atol(argv[i]);
            if (rank < 1 || (size_t)rank > vocab.n)
                die("rank %ld out of 1..%zu", rank, vocab.n);
            printf("%s\n", vocab.v[rank - 1]);
        }
        return 0;
    }
    tag_names = read_list(opt.tags, 1);
    if (tag_names.n < TAGS_PER_COMMUNITY)
        die("%s: need at least %d tags", opt.tags, TAGS_PER_COMMUNITY);
    find_corpus(opt.corpus_dir);
    community_z = zipf_table(opt.ncommunities, 0.6, opt.ncommunities, 1.0);
    author_z = zipf_table(opt.nauthors, 0.8, opt.nauthors, 1.0);
    tag_z = zipf_table(TAGS_PER_COMMUNITY, 1.0, TAGS_PER_COMMUNITY, 1.0);
    struct tm end = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 20};
    t_end = timegm(&end);
    t_start = t_end - (time_t)5 * 365 * 86400;

    long total = opt.n + (long)corpus_files.n;
    if (!strcmp(mode, "tags"))
        rows_tags();
    else if (!strcmp(mode, "documents"))
        for (long i = 0; i < total; i++)
            row_document(i);
    else if (!strcmp(mode, "versions"))
        for (long i = 0; i < total; i++)
            row_version(i);
    else if (!strcmp(mode, "document_tags"))
        for (long i = 0; i < total; i++)
            row_document_tags(i);
    else
        die("unknown mode %s", mode);
    if (fflush(stdout) != 0 || ferror(stdout))
        die("writing: %s", strerror(errno));
    return 0;
}
