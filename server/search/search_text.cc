// search_text.cc - accent and ligature folding, UTF-8 cleaning and the stop word lists.
#include "search/search_text.h"

#include <xapian.h>

namespace relais_search {

namespace {

const unsigned REPLACEMENT = 0xFFFD;

// Decodes one code point at p (n > 0 bytes left); returns the bytes used (invalid: 1, and
// *cp = U+FFFD). Overlong forms and surrogates are invalid.
size_t decode(const unsigned char *p, size_t n, unsigned *cp)
{
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        *cp = REPLACEMENT;
        return 1;
    }
    if (n < len) {
        *cp = REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = REPLACEMENT;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = REPLACEMENT;
        return 1;
    }
    *cp = c;
    return len;
}

void encode(std::string &out, unsigned c)
{
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// Base letters of U+00C0-U+00FF; '*' = special (several letters), '.' = keep as is.
const char latin1[] = "AAAAAA*CEEEEIIII"  // C0-CF
                      "DNOOOOO.OUUUUY**"  // D0-DF
                      "aaaaaa*ceeeeiiii"  // E0-EF
                      "dnooooo.ouuuuy*y"; // F0-FF
// Base letters of U+0100-U+017F; '*' = ligature.
const char latin_ext_a[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi**JjKkk"
                           "LlLlLlLlLlNnNnNnnNnOoOoOo**RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyY"
                           "ZzZzZzs";
static_assert(sizeof latin_ext_a == 0x80 + 1, "one letter per code point");

bool is_private_mark(unsigned c) { return c >= 0xE000 && c <= 0xE002; }

// Appends the folded form of c; returns false when c is kept unchanged.
bool fold_cp(std::string &out, unsigned c)
{
    if (c < 0x80) {
        if (c == '\'') {
            out += ' ';
            return true;
        }
        return false;
    }
    if (c >= 0xC0 && c <= 0xFF) {
        char b = latin1[c - 0xC0];
        if (b == '.')
            return false;
        if (b != '*') {
            out += b;
            return true;
        }
        switch (c) {
        case 0xC6: out += "AE"; break;
        case 0xDE: out += "TH"; break;
        case 0xDF: out += "ss"; break;
        case 0xE6: out += "ae"; break;
        case 0xFE: out += "th"; break;
        }
        return true;
    }
    if (c >= 0x100 && c <= 0x17F) {
        char b = latin_ext_a[c - 0x100];
        if (b != '*') {
            out += b;
            return true;
        }
        switch (c) {
        case 0x132: out += "IJ"; break;
        case 0x133: out += "ij"; break;
        case 0x152: out += "OE"; break;
        case 0x153: out += "oe"; break;
        }
        return true;
    }
    if (c >= 0x300 && c <= 0x36F)
        return true; // combining diacritics (text in NFD)
    if (is_private_mark(c) || c == 0xAD || c == 0x200B || c == 0x2060 || c == 0xFEFF)
        return true; // our marks, soft hyphen, zero-width spaces
    switch (c) {
    case 0xA0: case 0x2007: case 0x202F: out += ' '; return true;
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x2032: out += ' '; return true;
    case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x201E: out += '"'; return true;
    case 0x218: out += 'S'; return true;
    case 0x219: out += 's'; return true;
    case 0x21A: out += 'T'; return true;
    case 0x21B: out += 't'; return true;
    case 0x192: out += 'f'; return true;
    case 0xFB00: out += "ff"; return true;
    case 0xFB01: out += "fi"; return true;
    case 0xFB02: out += "fl"; return true;
    case 0xFB03: out += "ffi"; return true;
    case 0xFB04: out += "ffl"; return true;
    case 0xFB05: case 0xFB06: out += "st"; return true;
    }
    return false;
}

} // namespace

std::string fold(const std::string &in, std::vector<size_t> *offsets)
{
    std::string out;
    out.reserve(in.size());
    if (offsets) {
        offsets->clear();
        offsets->reserve(in.size() + 1);
    }
    const unsigned char *p = reinterpret_cast<const unsigned char *>(in.data());
    size_t n = in.size(), i = 0;
    while (i < n) {
        unsigned c;
        size_t len = decode(p + i, n - i, &c);
        size_t before = out.size();
        if (!fold_cp(out, c)) {
            if (len == 1 && c == REPLACEMENT)
                encode(out, c);
            else
                out.append(in, i, len);
        }
        if (offsets)
            offsets->insert(offsets->end(), out.size() - before, i);
        i += len;
    }
    if (offsets)
        offsets->push_back(n);
    return out;
}

std::string fold_key(const std::string &in)
{
    std::string folded = fold(in), out;
    const unsigned char *p = reinterpret_cast<const unsigned char *>(folded.data());
    size_t n = folded.size(), i = 0;
    bool space = false;
    while (i < n) {
        unsigned c;
        i += decode(p + i, n - i, &c);
        if (Xapian::Unicode::is_whitespace(c) || c < 0x20) {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        encode(out, Xapian::Unicode::tolower(c));
    }
    return out;
}

std::string clean_text(const char *s, size_t len, size_t max_bytes)
{
    std::string out;
    out.reserve(len < max_bytes ? len : max_bytes);
    const unsigned char *p = reinterpret_cast<const unsigned char *>(s);
    size_t i = 0;
    while (i < len) {
        unsigned c;
        size_t n = decode(p + i, len - i, &c);
        size_t need = (n == 1 && c == REPLACEMENT) ? 3 : n;
        if (out.size() + need > max_bytes)
            break;
        if (c == 0 || is_private_mark(c))
            ; // dropped
        else if (n == 1 && c == REPLACEMENT)
            encode(out, c);
        else
            out.append(s + i, n);
        i += n;
    }
    return out;
}

// Written for Relais from the usual function words of each language, folded (no accents):
// articles, pronouns, prepositions, conjunctions and the forms of être/avoir (be/have).
// Elided forms (l', d', qu') are here because fold() turns apostrophes into spaces.
const char *const stopwords_fr[] = {
    "a", "ai", "aie", "aient", "aies", "ait", "as", "au", "aux", "avec", "avaient", "avais",
    "avait", "avez", "aviez", "avions", "avons", "ayant", "ayez", "ayons", "c", "ce", "ceci",
    "cela", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle", "elles", "en",
    "es", "est", "et", "etaient", "etais", "etait", "etant", "ete", "etes", "etiez", "etions",
    "eu", "eue", "eues", "eurent", "eus", "eut", "eux", "furent", "fut", "il", "ils", "j",
    "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "meme",
    "memes", "mes", "moi", "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou",
    "par", "pas", "pour", "qu", "que", "quel", "quelle", "quelles", "quels", "qui", "s",
    "sa", "sans", "se", "sera", "seront", "ses", "si", "soit", "son", "sont", "sous", "suis",
    "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous",
    "y", nullptr,
};

const char *const stopwords_en[] = {
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for",
    "from", "had", "has", "have", "having", "he", "her", "hers", "him", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "me", "my", "no", "nor", "not", "of", "on",
    "or", "our", "ours", "she", "so", "such", "than", "that", "the", "their", "theirs",
    "them", "then", "there", "these", "they", "this", "those", "to", "too", "us", "very",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
    "will", "with", "would", "you", "your", "yours", nullptr,
};

} // namespace relais_search
