/* html.c - HTML mail as the reader sees it, with gumbo.
 *
 * Design:
 * - gumbo builds the tree a browser would (broken tags, entities); we only
 *   walk it.  The walk follows parent pointers and index_within_parent, so
 *   it needs no stack at all: 10,000 nested <div>s cost no C stack.
 * - One pass writes straight into the output GString.  A line is opened
 *   lazily when its first visible character arrives: only then are the
 *   pending blank line and the "> " quote prefix written.  So empty blocks
 *   produce nothing, leading and trailing blank lines never appear, and
 *   runs of blank lines (Outlook's <o:p>&nbsp;</o:p> paragraphs, Gmail's
 *   <div><br></div>) collapse to one, since "a blank line is pending" is a
 *   flag and not a count.
 * - A blank line between a quoted and an unquoted line takes the shallower
 *   prefix, so a quote is followed by "" and not by ">".
 * - U+00A0 is white space like any other and collapses; a block holding
 *   only &nbsp; still counts as a blank line, as a browser shows it.
 * - Trailing spaces are trimmed, except that "--" followed by white space
 *   is written "-- ", the signature delimiter.
 * - gumbo records every parse error with a copy of the open-element stack,
 *   which on deeply nested junk costs seconds and gigabytes; we never read
 *   the errors, so max_errors is 0.
 * - Quote prefixes are capped at MAX_QUOTE levels so hostile nesting cannot
 *   blow one line up to tens of kilobytes.
 */
#include "config.h"

#include <string.h>
#include <gumbo.h>

#include "mg-html.h"
#include "mg-lazy.h"

#define MAX_QUOTE 32

typedef struct {
  GString *out;         /* the text so far */
  gsize line_begin;     /* offset in out of the open line's prefix */
  gsize content_begin;  /* offset in out of the open line's text */
  gboolean in_line;     /* a line is open (its prefix is written) */
  gboolean space;       /* white space seen since the last character */
  gboolean nbsp_only;   /* no open line, but &nbsp; seen: a blank line */
  gboolean blank;       /* a blank line is due before the next line */
  gboolean bullet;      /* the next line starts a list item */
  guint quote;          /* <blockquote> nesting depth */
  guint line_quote;     /* quote depth of the open or last line */
  guint pre;            /* <pre> nesting depth */
} html_state_t;

static void
put_prefix (GString *out, guint depth)
{
  for (guint i = 0; i < MIN (depth, MAX_QUOTE); i++)
    g_string_append (out, "> ");
}

static void
trim_line (html_state_t *st)
{
  while (st->out->len > st->line_begin
         && (st->out->str[st->out->len - 1] == ' '
             || st->out->str[st->out->len - 1] == '\t'))
    g_string_truncate (st->out, st->out->len - 1);
}

static void
start_line (html_state_t *st)
{
  if (st->in_line)
    return;
  if (st->blank && st->out->len > 0)
    {
      st->line_begin = st->out->len;
      put_prefix (st->out, MIN (st->line_quote, st->quote));
      trim_line (st);
      g_string_append_c (st->out, '\n');
    }
  st->blank = FALSE;
  st->nbsp_only = FALSE;
  st->line_begin = st->out->len;
  put_prefix (st->out, st->quote);
  st->content_begin = st->out->len;
  st->line_quote = st->quote;
  st->in_line = TRUE;
  if (st->bullet)
    g_string_append (st->out, "- ");
  st->bullet = FALSE;
}

static void
end_line (html_state_t *st)
{
  if (!st->in_line)
    {
      if (st->nbsp_only)
        st->blank = TRUE;
      st->nbsp_only = FALSE;
      st->space = FALSE;
      return;
    }
  gsize len = st->out->len;
  trim_line (st);
  if (st->out->len - st->content_begin == 2
      && memcmp (st->out->str + st->content_begin, "--", 2) == 0
      && (st->space || st->out->len < len))
    g_string_append_c (st->out, ' ');
  g_string_append_c (st->out, '\n');
  st->in_line = FALSE;
  st->space = FALSE;
}

static void
line_break (html_state_t *st)
{
  if (st->in_line)
    end_line (st);
  else
    st->blank = TRUE;
}

static void
paragraph_break (html_state_t *st)
{
  end_line (st);
  st->blank = TRUE;
}

static void
add_pre_text (html_state_t *st, const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if (*p == '\n')
        line_break (st);
      else if (*p != '\r')
        {
          start_line (st);
          g_string_append_c (st->out, *p);
        }
    }
}

/* Returns the length of the white space character at @p (U+00A0 too), or
 * 0. */
static gsize
space_len (const char *p)
{
  if (p[0] == '\xc2' && p[1] == '\xa0')
    return 2;
  return *p != '\0' && strchr (" \t\n\r\f", *p) ? 1 : 0;
}

static void
add_text (html_state_t *st, const char *text)
{
  const char *p = text;

  if (st->pre > 0)
    {
      add_pre_text (st, text);
      return;
    }
  while (*p)
    {
      gsize n = space_len (p);
      if (n > 0)
        {
          if (st->in_line)
            st->space = TRUE;
          else if (n == 2)
            st->nbsp_only = TRUE;
          p += n;
          continue;
        }
      const char *word = p;
      while (*p && space_len (p) == 0)
        p++;
      start_line (st);
      if (st->space && st->out->len > st->content_begin
          && st->out->str[st->out->len - 1] != ' ')
        g_string_append_c (st->out, ' ');
      st->space = FALSE;
      g_string_append_len (st->out, word, p - word);
    }
}

static gboolean
is_block (GumboTag tag)
{
  switch (tag)
    {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_CAPTION: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_MENU: case GUMBO_TAG_DIR:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_HR: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Outlook's <p class=MsoNormal> has no margins: it is a line, and blank
 * lines are paragraphs of their own holding &nbsp;. */
static gboolean
is_paragraph (const GumboElement *element)
{
  const GumboAttribute *class;

  switch (element->tag)
    {
    case GUMBO_TAG_P:
      class = gumbo_get_attribute (&element->attributes, "class");
      return class == NULL || strstr (class->value, "Mso") == NULL;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
block_break (html_state_t *st, const GumboElement *element)
{
  if (is_paragraph (element))
    paragraph_break (st);
  else if (is_block (element->tag))
    end_line (st);
}

/* Returns whether the children of @node are to be visited (and @node left
 * with leave_node afterwards). */
static gboolean
enter_node (html_state_t *st, const GumboNode *node)
{
  switch (node->type)
    {
    case GUMBO_NODE_DOCUMENT:
      return TRUE;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
      add_text (st, node->v.text.text);
      return FALSE;
    case GUMBO_NODE_ELEMENT:
      break;
    default:
      return FALSE;
    }

  GumboTag tag = node->v.element.tag;
  switch (tag)
    {
    case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NOSCRIPT:
      return FALSE;
    case GUMBO_TAG_BR:
      line_break (st);
      return TRUE;
    case GUMBO_TAG_TD: case GUMBO_TAG_TH:
      if (st->in_line)
        st->space = TRUE;
      return TRUE;
    default:
      break;
    }
  block_break (st, &node->v.element);
  if (tag == GUMBO_TAG_BLOCKQUOTE)
    st->quote++;
  else if (tag == GUMBO_TAG_PRE)
    st->pre++;
  else if (tag == GUMBO_TAG_LI)
    st->bullet = TRUE;
  return TRUE;
}

static void
leave_node (html_state_t *st, const GumboNode *node)
{
  if (node->type != GUMBO_NODE_ELEMENT)
    return;

  GumboTag tag = node->v.element.tag;
  block_break (st, &node->v.element);
  if (tag == GUMBO_TAG_BLOCKQUOTE)
    st->quote--;
  else if (tag == GUMBO_TAG_PRE)
    st->pre--;
  else if (tag == GUMBO_TAG_LI)
    st->bullet = FALSE;
}

static const GumboVector *
node_children (const GumboNode *node)
{
  if (node->type == GUMBO_NODE_DOCUMENT)
    return &node->v.document.children;
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
    return &node->v.element.children;
  return NULL;
}

static void
walk (html_state_t *st, const GumboNode *root)
{
  const GumboNode *node = root;
  gboolean entered = enter_node (st, node);

  for (;;)
    {
      const GumboVector *kids = node_children (node);
      if (entered && kids != NULL && kids->length > 0)
        {
          node = kids->data[0];
          entered = enter_node (st, node);
          continue;
        }
      for (;;)
        {
          if (entered)
            leave_node (st, node);
          if (node == root)
            return;
          const GumboNode *parent = node->parent;
          const GumboVector *siblings = node_children (parent);
          gsize next = node->index_within_parent + 1;
          if (next < siblings->length)
            {
              node = siblings->data[next];
              entered = enter_node (st, node);
              break;
            }
          node = parent;
          entered = TRUE;
        }
    }
}

/* Returns the visible text of @len bytes of HTML @html, every line ending in
 * LF (see mg-html.h).  Never NULL; transfer full: free with g_free(). */
char *
mg_html_to_text (const char *html, gsize len)
{
  g_autofree char *valid = NULL;
  html_state_t st = { 0 };

  g_return_val_if_fail (html != NULL || len == 0, g_strdup (""));

  if (len >= 3 && memcmp (html, "\xef\xbb\xbf", 3) == 0)
    {
      html += 3;
      len -= 3;
    }
  if (len == 0)
    return g_strdup ("");
  if (!g_utf8_validate (html, len, NULL))
    {
      valid = g_utf8_make_valid (html, len);
      html = valid;
      len = strlen (valid);
    }

  GumboOptions options = *mg_gumbo_default_options ();   /* gumbo is loaded on use */
  options.max_errors = 0;
  GumboOutput *doc = gumbo_parse_with_options (&options, html, len);
  st.out = g_string_sized_new (len / 2 + 16);
  walk (&st, doc->document);
  end_line (&st);
  gumbo_destroy_output (&options, doc);
  return g_string_free (st.out, FALSE);
}
