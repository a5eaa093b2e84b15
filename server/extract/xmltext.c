/* xmltext.c - expat callbacks that keep the text of office XML and drop the markup. */
#include "extract/xmltext.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

/* expat joins namespace URI and local name with this; URIs never contain it. */
#define NS_SEP '\x01'
/* Deeper nesting than this is not an office document; it is an attack on the stack. */
#define MAX_DEPTH 256

struct xmltext {
    XML_Parser p;
    const xml_rules *rules;
    textsink *sink;
    int text_depth;     /* open text elements */
    int skip_depth;     /* open skipped elements */
    int depth;
    bool doctype;
    bool too_deep;
};

static const char *local_name(const XML_Char *name)
{
    const char *sep = strrchr(name, NS_SEP);
    return sep ? sep + 1 : name;
}

static bool in_list(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xmltext *x = ud;
    if (++x->depth > MAX_DEPTH) {
        x->too_deep = true;
        XML_StopParser(x->p, XML_FALSE);
        return;
    }
    const char *n = local_name(name);
    const xml_rules *r = x->rules;
    if (in_list(r->skip, n) || x->skip_depth) {
        x->skip_depth++;
        return;
    }
    if (in_list(r->text, n))
        x->text_depth++;
    if (in_list(r->newline, n))
        textsink_sep(x->sink, '\n');
    else if (in_list(r->tab, n))
        textsink_sep(x->sink, '\t');
    else if (in_list(r->space, n))
        textsink_sep(x->sink, ' ');
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xmltext *x = ud;
    x->depth--;
    if (x->skip_depth) {
        x->skip_depth--;
        return;
    }
    const char *n = local_name(name);
    const xml_rules *r = x->rules;
    if (in_list(r->text, n) && x->text_depth > 0)
        x->text_depth--;
    if (in_list(r->line_after, n))
        textsink_sep(x->sink, '\n');
    else if (in_list(r->tab_after, n))
        textsink_sep(x->sink, '\t');
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
    xmltext *x = ud;
    if (x->text_depth > 0 && x->skip_depth == 0 && len > 0)
        textsink_text(x->sink, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    xmltext *x = ud;
    x->doctype = true;
    XML_StopParser(x->p, XML_FALSE);
}

xmltext *xmltext_new(const xml_rules *rules, textsink *sink)
{
    xmltext *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->p = XML_ParserCreateNS(NULL, NS_SEP);
    if (!x->p) {
        free(x);
        return NULL;
    }
    x->rules = rules;
    x->sink = sink;
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_chars);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    return x;
}

void xmltext_free(xmltext *x)
{
    if (!x)
        return;
    XML_ParserFree(x->p);
    free(x);
}

rstatus xmltext_feed(xmltext *x, const char *data, size_t len, bool final, const char **why)
{
    *why = NULL;
    /* expat takes an int length: feed very large buffers in slices. */
    do {
        int n = len > (1 << 30) ? (1 << 30) : (int)len;
        bool last = final && (size_t)n == len;
        if (XML_Parse(x->p, data, n, last) != XML_STATUS_OK) {
            if (x->doctype)
                *why = "The document declares a DOCTYPE, which office documents never do.";
            else if (x->too_deep)
                *why = "The document's XML is nested too deeply.";
            else
                *why = "The document's XML is malformed.";
            return ST_UNPROCESSABLE;
        }
        data += n;
        len -= (size_t)n;
    } while (len > 0);
    return ST_OK;
}
