/* search_text.h - text folding shared by indexing, queries and snippets (private to search/). */
#ifndef RELAIS_SEARCH_TEXT_H
#define RELAIS_SEARCH_TEXT_H

#include <cstddef>
#include <string>
#include <vector>

namespace relais_search {

/*
 * The one normalisation applied to every text before Xapian sees it (indexed fields, the
 * query text, the text a snippet is cut from), so that both sides always agree:
 *  - letters of Latin-1 and Latin Extended-A (and a few of Extended-B) lose their
 *    diacritics, ligatures are spelt out (é→e, ç→c, œ→oe, æ→ae, ß→ss, ﬁ→fi); combining
 *    marks U+0300-U+036F and soft hyphens disappear; case is kept (the QueryParser needs
 *    AND/OR/NOT and capitalised words, Xapian lowercases terms itself);
 *  - apostrophes (' ’ ʼ) become spaces, so French elisions split: "l’hôpital" → "l hopital";
 *  - « » “ ” „ become '"' so they quote phrases in queries;
 *  - the private-use marks U+E000-U+E002 are removed; invalid UTF-8 becomes U+FFFD.
 * When offsets is not NULL it receives, for each byte of the result, the byte offset in
 * `in` of the code point that produced it, plus one last entry equal to in.size().
 */
std::string fold(const std::string &in, std::vector<size_t> *offsets = nullptr);

/* fold() + lowercase + spaces trimmed and collapsed: exact keys (tags, types, kinds). */
std::string fold_key(const std::string &in);

/* Valid UTF-8 without NUL nor U+E000-U+E002, cut to at most max_bytes on a code point
 * boundary: the text kept in the document data for snippets. */
std::string clean_text(const char *s, size_t len, size_t max_bytes);

/* The embedded stop word lists, already folded and lowercase, NULL-terminated. */
extern const char *const stopwords_fr[];
extern const char *const stopwords_en[];

} // namespace relais_search

#endif
