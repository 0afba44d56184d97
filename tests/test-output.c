/* test-output.c - verdicts as text for people and JSON Lines for programs
 * (SPEC 9).
 *
 * The JSON is parsed back with json-glib and every object is checked to
 * hold exactly the SPEC 9 keys with the expected values; hostile headers
 * (quotes, backslashes, control characters, invalid UTF-8) must leave it
 * valid, one line, and must never reach a terminal raw through the text
 * output.  Messages are built in memory and judged with the unit
 * configuration tests/data/unit/unit.conf.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <json-glib/json-glib.h>

#include "mg-analysis.h"
#include "mg-config.h"
#include "mg-message.h"
#include "mg-output.h"
#include "mg-rules.h"

#define UNIT_CONF MG_TOP_SRCDIR "/tests/data/unit/unit.conf"

#define APPLICANT "Tomas Abara <tomas.abara@mail.example.net>"
#define HARBOR "ir-residency@harborbay.example.edu"
#define HARBOR_NAME "Harbor Bay Interventional Radiology Residency"
#define KESTREL_ANY "gme@kestrel-health.example.org"
#define EARLY "2026-10-20T09:00:00-05:00"

static mg_config_t *config;

static int
setup (void **state)
{
  g_autoptr (GError) error = NULL;

  (void) state;
  config = mg_config_load (UNIT_CONF, &error);
  if (config == NULL)
    {
      print_error ("%s\n", error->message);
      return -1;
    }
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  g_clear_pointer (&config, mg_config_free);
  return 0;
}

/* One judged message; free with case_free(). */
typedef struct {
  mg_message_t *message;
  mg_analysis_t *analysis;
  mg_judgement_t *judgement;
} case_t;

static void
case_free (case_t *c)
{
  g_clear_pointer (&c->judgement, mg_judgement_free);
  g_clear_pointer (&c->analysis, mg_analysis_free);
  g_clear_pointer (&c->message, mg_message_free);
}

/* @headers: header lines after From (To, Subject, ...), each ending in
 * "\n", inserted byte for byte.  @envelope: ';'-separated, or NULL. */
static void
judge (case_t *c, const char *headers, const char *body, const char *envelope)
{
  g_autoptr (GString) raw = g_string_new ("From: " APPLICANT "\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (EARLY, NULL);
  g_auto (GStrv) rcpts = envelope ? g_strsplit (envelope, ";", -1) : NULL;

  g_string_append (raw, headers);
  g_string_append (raw, "Date: Tue, 20 Oct 2026 10:00:00 -0400\n"
                        "Message-ID: <unit-output@mail.example.net>\n"
                        "MIME-Version: 1.0\n"
                        "Content-Type: text/plain; charset=utf-8\n"
                        "Content-Transfer-Encoding: 8bit\n\n");
  g_string_append (raw, body);
  c->message = mg_message_parse_data (raw->str, raw->len, "draft.eml", &error);
  if (c->message == NULL)
    fail_msg ("cannot parse the test message: %s", error->message);
  c->analysis = mg_analysis_new (c->message, config, (const char *const *) rcpts);
  c->judgement = mg_rules_judge (c->analysis, at, NULL);
}

/* Re-runs the rules after the test changed the message or analysis. */
static void
rejudge (case_t *c)
{
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (EARLY, NULL);

  g_clear_pointer (&c->judgement, mg_judgement_free);
  c->judgement = mg_rules_judge (c->analysis, at, NULL);
}

/* Everything mg_output_judgement() writes for @c. */
static char *
output_of (const case_t *c, mg_format_t format, gboolean colour)
{
  FILE *out = tmpfile ();
  GString *text = g_string_new (NULL);
  char buf[4096];
  size_t n;

  assert_non_null (out);
  mg_output_judgement (out, format, colour, c->analysis, c->judgement);
  rewind (out);
  while ((n = fread (buf, 1, sizeof buf, out)) > 0)
    g_string_append_len (text, buf, (gssize) n);
  fclose (out);
  return g_string_free (text, FALSE);
}

/* --- JSON ------------------------------------------------------------------ */

static const char *const top_keys[] = {
  "source", "message_id", "subject", "verdict", "kind", "intent", "programs", "findings", NULL
};
static const char *const program_keys[] = { "id", "name", "recipients", NULL };
static const char *const finding_keys[] = {
  "rule", "severity", "program", "message", "excerpt", "part", "line", NULL
};

/* @object holds exactly @keys. */
static void
assert_keys (JsonObject *object, const char *const *keys, const char *what)
{
  g_autoptr (GList) members = json_object_get_members (object);
  guint n = 0;

  for (; keys[n] != NULL; n++)
    if (!json_object_has_member (object, keys[n]))
      fail_msg ("%s: key \"%s\" missing", what, keys[n]);
  if (g_list_length (members) != n)
    {
      GList *l;
      for (l = members; l != NULL; l = l->next)
        if (!g_strv_contains (keys, l->data))
          fail_msg ("%s: unexpected key \"%s\"", what, (const char *) l->data);
      fail_msg ("%s: %u keys, expected %u", what, g_list_length (members), n);
    }
}

/* The string member, or NULL when it is JSON null (failing on any other
 * type). */
static const char *
string_or_null (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  assert_non_null (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    fail_msg ("member \"%s\" is not a string or null", member);
  return json_node_get_string (node);
}

/* Parses the JSON of @c, checks it is one line of valid UTF-8 without raw
 * control characters, and checks every object's keys.  Returns the
 * parser (the root object stays valid while it lives). */
static JsonParser *
parse_json (const case_t *c, JsonObject **root_out)
{
  g_autofree char *line = mg_output_judgement_json (c->analysis, c->judgement);
  JsonParser *parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonArray *array;
  const char *p;
  guint i;

  assert_non_null (line);
  if (!g_utf8_validate (line, -1, NULL))
    fail_msg ("the JSON is not valid UTF-8: %s", line);
  for (p = line; *p != '\0'; p++)
    if ((unsigned char) *p < 0x20)
      fail_msg ("raw control character 0x%02x in the JSON line: %s", (unsigned char) *p, line);
  if (!json_parser_load_from_data (parser, line, -1, &error))
    fail_msg ("the JSON does not parse (%s): %s", error->message, line);
  assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  /* written directly, byte for byte what json-glib's generator writes of
   * the same values, but for U+001F, which json-glib 1.6 leaves raw */
  if (strstr (line, "\\u001f") == NULL)
    {
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autofree char *again = NULL;

      json_generator_set_root (generator, json_parser_get_root (parser));
      again = json_generator_to_data (generator, NULL);
      if (strcmp (again, line) != 0)
        fail_msg ("json-glib writes these values as\n%s\nnot\n%s", again, line);
    }
  root = json_node_get_object (json_parser_get_root (parser));
  assert_keys (root, top_keys, "message");
  assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "programs")));
  assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "findings")));

  array = json_object_get_array_member (root, "programs");
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *program = json_array_get_object_element (array, i);
      assert_non_null (program);
      assert_keys (program, program_keys, "programs[]");
      assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (program, "recipients")));
    }
  array = json_object_get_array_member (root, "findings");
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *finding = json_array_get_object_element (array, i);
      JsonNode *line_node;

      assert_non_null (finding);
      assert_keys (finding, finding_keys, "findings[]");
      line_node = json_object_get_member (finding, "line");
      assert_true (JSON_NODE_HOLDS_NULL (line_node)
                   || json_node_get_value_type (line_node) == G_TYPE_INT64);
    }
  *root_out = root;
  return parser;
}

typedef struct {
  const char *rule;
  const char *severity;
  const char *program;   /* NULL: JSON null */
  const char *excerpt;   /* NULL: JSON null */
  const char *part;      /* NULL: JSON null */
  gint64 line;           /* 0: JSON null */
} finding_row_t;

static void
assert_findings (JsonObject *root, const finding_row_t *rows, guint n)
{
  JsonArray *findings = json_object_get_array_member (root, "findings");
  guint i;

  if (json_array_get_length (findings) != n)
    fail_msg ("%u findings, expected %u", json_array_get_length (findings), n);
  for (i = 0; i < n; i++)
    {
      JsonObject *f = json_array_get_object_element (findings, i);
      JsonNode *line = json_object_get_member (f, "line");
      const char *message = string_or_null (f, "message");

      assert_string_equal (string_or_null (f, "rule"), rows[i].rule);
      assert_string_equal (string_or_null (f, "severity"), rows[i].severity);
      if (g_strcmp0 (string_or_null (f, "program"), rows[i].program) != 0)
        fail_msg ("finding %u: program %s, expected %s", i, string_or_null (f, "program"), rows[i].program);
      if (g_strcmp0 (string_or_null (f, "excerpt"), rows[i].excerpt) != 0)
        fail_msg ("finding %u: excerpt %s, expected %s", i, string_or_null (f, "excerpt"), rows[i].excerpt);
      if (g_strcmp0 (string_or_null (f, "part"), rows[i].part) != 0)
        fail_msg ("finding %u: part %s, expected %s", i, string_or_null (f, "part"), rows[i].part);
      if (rows[i].line == 0)
        assert_true (JSON_NODE_HOLDS_NULL (line));
      else
        assert_int_equal (json_node_get_int (line), rows[i].line);
      assert_non_null (message);
      assert_true (strlen (message) > 10);
    }
}

#define PROBLEM_HEADERS \
  "To: " HARBOR ", Dr. Imani Calloway <ICalloway@harborbay.example.edu>\n" \
  "Subject: Application update\n"
#define PROBLEM_BODY \
  "Hi,\n\nMy abstract has been accepted at SIR.\nHarbor IR is my\ndream program.\n\nTomas\n"

static void
test_json_values (void **state)
{
  static const finding_row_t expected[] = {
    { "applicant-id-missing", "block", "harbor-ir", NULL, NULL, 0 },
    { "tone-emotional", "warn", "harbor-ir", "dream program", "1", 5 },
    { "salutation", "warn", "harbor-ir", "Hi", "1", 1 },
  };
  case_t c = { 0 };
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *root, *program;
  JsonArray *programs, *recipients;

  (void) state;
  judge (&c, PROBLEM_HEADERS, PROBLEM_BODY, NULL);
  parser = parse_json (&c, &root);
  assert_string_equal (string_or_null (root, "source"), "draft.eml");
  assert_non_null (strstr (string_or_null (root, "message_id"), "unit-output@mail.example.net"));
  assert_string_equal (string_or_null (root, "subject"), "Application update");
  assert_string_equal (string_or_null (root, "verdict"), "block");
  assert_string_equal (string_or_null (root, "kind"), "update");
  assert_string_equal (string_or_null (root, "intent"), "none");

  programs = json_object_get_array_member (root, "programs");
  assert_int_equal (json_array_get_length (programs), 1);
  program = json_array_get_object_element (programs, 0);
  assert_string_equal (string_or_null (program, "id"), "harbor-ir");
  assert_string_equal (string_or_null (program, "name"), HARBOR_NAME);
  recipients = json_object_get_array_member (program, "recipients");
  assert_int_equal (json_array_get_length (recipients), 2);
  assert_string_equal (json_array_get_string_element (recipients, 0), HARBOR);
  assert_string_equal (json_array_get_string_element (recipients, 1), "icalloway@harborbay.example.edu");

  assert_findings (root, expected, G_N_ELEMENTS (expected));
  case_free (&c);
}

/* Verdicts and levels as SPEC 9 spells them. */
static void
test_json_verdicts (void **state)
{
  static const struct {
    const char *headers;
    const char *body;
    const char *verdict;
    const char *kind;
    const char *intent;
  } rows[] = {
    { "To: " HARBOR "\nSubject: Harbor IR\n",
      "Dear Dr. Calloway,\n\nHarbor IR is my top choice.\n\nTomas Abara\nAAMC ID: 31415926\n", "ok", "intent", "first" },
    { "To: " HARBOR "\nSubject: Harbor IR\n",
      "Dear Dr. Calloway,\n\nHarbor IR is among my top choices.\n\nTomas Abara\nAAMC ID: 31415926\n", "ok", "intent", "strong" },
    { "To: " HARBOR "\nSubject: Re: Harbor IR\n",
      "Dear Dr. Calloway,\n\nI am very interested in Harbor IR.\n\nTomas Abara\n", "warn", "reply", "interest" },
    { "To: " HARBOR "\nSubject: Harbor IR\n",
      "Hi,\n\nThank you for interviewing me at Harbor IR.\n\nTomas Abara\nAAMC ID: 31415926\n", "warn", "thank-you", "none" },
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      case_t c = { 0 };
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *root;

      judge (&c, rows[i].headers, rows[i].body, NULL);
      parser = parse_json (&c, &root);
      if (strcmp (string_or_null (root, "verdict"), rows[i].verdict) != 0
          || strcmp (string_or_null (root, "kind"), rows[i].kind) != 0
          || strcmp (string_or_null (root, "intent"), rows[i].intent) != 0)
        fail_msg ("row %u: %s/%s/%s, expected %s/%s/%s", i, string_or_null (root, "verdict"),
                  string_or_null (root, "kind"), string_or_null (root, "intent"), rows[i].verdict,
                  rows[i].kind, rows[i].intent);
      case_free (&c);
    }
}

/* The ambiguous group is a program with id and name null; message-level
 * findings have program null. */
static void
test_json_ambiguous (void **state)
{
  static const finding_row_t expected[] = {
    { "multiple-programs", "block", NULL, NULL, NULL, 0 },
    { "ambiguous-recipient", "warn", NULL, NULL, NULL, 0 },
  };
  case_t c = { 0 };
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *root, *program;
  JsonArray *programs, *recipients;

  (void) state;
  judge (&c, "To: " HARBOR ", " KESTREL_ANY "\nSubject: Update\n",
         "Dear Dr. Calloway,\n\nHarbor IR remains a program I admire.\n\nTomas Abara\nAAMC ID: 31415926\n", NULL);
  parser = parse_json (&c, &root);
  programs = json_object_get_array_member (root, "programs");
  assert_int_equal (json_array_get_length (programs), 2);
  program = json_array_get_object_element (programs, 0);
  assert_string_equal (string_or_null (program, "id"), "harbor-ir");
  program = json_array_get_object_element (programs, 1);
  assert_null (string_or_null (program, "id"));
  assert_null (string_or_null (program, "name"));
  recipients = json_object_get_array_member (program, "recipients");
  assert_int_equal (json_array_get_length (recipients), 1);
  assert_string_equal (json_array_get_string_element (recipients, 0), KESTREL_ANY);
  assert_string_equal (string_or_null (root, "verdict"), "block");
  assert_findings (root, expected, G_N_ELEMENTS (expected));
  case_free (&c);
}

/* Non-program mail: kind and intent, empty programs and findings, ok. */
static void
test_json_not_program_mail (void **state)
{
  case_t c = { 0 };
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *root;

  (void) state;
  judge (&c, "To: friend@mail.example.net\n", "Hi,\n\n[Your Name] Harbor IR is my top choice.\n", NULL);
  parser = parse_json (&c, &root);
  assert_null (string_or_null (root, "subject"));
  assert_string_equal (string_or_null (root, "verdict"), "ok");
  assert_string_equal (string_or_null (root, "kind"), "intent");
  assert_string_equal (string_or_null (root, "intent"), "first");
  assert_int_equal (json_array_get_length (json_object_get_array_member (root, "programs")), 0);
  assert_int_equal (json_array_get_length (json_object_get_array_member (root, "findings")), 0);
  case_free (&c);
}

/* Hostile Subjects, as the header carries them.  @expected: the decoded
 * Subject when it is predictable, else NULL (then only validity and
 * @contains are checked). */
static const struct {
  const char *subject_header;
  const char *expected;
  const char *contains;
} hostile_subjects[] = {
  { "He said \"rank me\" \\o/ C:\\dir", "He said \"rank me\" \\o/ C:\\dir", NULL },
  { "quote\" and \\\" and \\u0000", "quote\" and \\\" and \\u0000", NULL },
  /* control characters in an encoded word: tab, SOH, ESC [31m, BEL, DEL */
  { "=?UTF-8?B?dGFiCWhlcmUBG1szMW1yZWQHfw==?=", NULL, "red" },
  /* CR LF inside an encoded word */
  { "=?UTF-8?Q?line_one=0D=0Aline_two?=", NULL, "line" },
  /* invalid UTF-8: raw Latin-1 and stray bytes, and an encoded word lying about its charset */
  { "caf\xe9 \xff\xfe\x80 end", NULL, "end" },
  { "=?UTF-8?Q?caf=E9_=FF=FE?= end", NULL, "end" },
  /* a NUL hidden in an encoded word */
  { "=?UTF-8?B?YQBi?= tail", NULL, "tail" },
};

static void
test_json_hostile_subject (void **state)
{
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (hostile_subjects); i++)
    {
      g_autofree char *headers = g_strdup_printf ("To: " HARBOR "\nSubject: %s\n",
                                                  hostile_subjects[i].subject_header);
      case_t c = { 0 };
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *root;
      const char *subject;

      judge (&c, headers, "Dear Dr. Calloway,\n\nHarbor IR is my dream program.\n\nAAMC ID: 31415926\n", NULL);
      parser = parse_json (&c, &root);
      subject = string_or_null (root, "subject");
      assert_non_null (subject);
      if (!g_utf8_validate (subject, -1, NULL))
        fail_msg ("row %u: subject is not valid UTF-8", i);
      if (hostile_subjects[i].expected != NULL && strcmp (subject, hostile_subjects[i].expected) != 0)
        fail_msg ("row %u: subject \"%s\", expected \"%s\"", i, subject, hostile_subjects[i].expected);
      if (hostile_subjects[i].contains != NULL && strstr (subject, hostile_subjects[i].contains) == NULL)
        fail_msg ("row %u: subject \"%s\" lost \"%s\"", i, subject, hostile_subjects[i].contains);
      case_free (&c);
    }
}

/* The output layer itself copes with what reaches it: invalid UTF-8 and
 * control characters in the Subject and the source name, set directly. */
static void
test_json_raw_fields (void **state)
{
  case_t c = { 0 };
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *root;
  const char *subject, *source;

  (void) state;
  judge (&c, "To: " HARBOR "\nSubject: x\n", "Hi,\n\nHarbor IR is my dream program.\n", NULL);
  g_free (c.message->subject);
  c.message->subject = g_strdup ("a\"b\\c\x01" "d\x1b[2Je\xff\xfe" "f\n\tg\x1f" "h\x7f");
  g_free (c.message->source);
  c.message->source = g_strdup ("dr\xc3" "aft\r\n.eml");
  parser = parse_json (&c, &root);
  subject = string_or_null (root, "subject");
  source = string_or_null (root, "source");
  assert_true (g_utf8_validate (subject, -1, NULL));
  assert_true (g_utf8_validate (source, -1, NULL));
  /* what was valid survives unchanged, escaped on the way */
  assert_true (g_str_has_prefix (subject, "a\"b\\c\x01" "d\x1b[2Je"));
  assert_true (g_str_has_suffix (subject, "f\n\tg\x1f" "h\x7f"));
  assert_true (g_str_has_prefix (source, "dr"));
  assert_true (g_str_has_suffix (source, "aft\r\n.eml"));
  case_free (&c);
}

/* Envelope recipients come from the command line and may be anything. */
static void
test_json_raw_recipient (void **state)
{
  case_t c = { 0 };
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *root, *program;
  const char *recipient;

  (void) state;
  judge (&c, "To: " HARBOR "\nSubject: Update\n",
         "Dear Dr. Calloway,\n\nHarbor IR remains a program I admire.\n\nAAMC ID: 31415926\n",
         "tom\xe1s\x1b[2J@harborbay.example.edu");
  parser = parse_json (&c, &root);
  assert_int_equal (json_array_get_length (json_object_get_array_member (root, "programs")), 1);
  program = json_array_get_object_element (json_object_get_array_member (root, "programs"), 0);
  recipient = json_array_get_string_element (json_object_get_array_member (program, "recipients"), 0);
  assert_true (g_str_has_suffix (recipient, "@harborbay.example.edu"));
  case_free (&c);
}

/* The other commands' lines (log, status) go through json-glib's
 * generator, which leaves U+001F raw (json-glib 1.6): escaped all the
 * same, and the values come back as they were. */
static void
test_json_line_controls (void **state)
{
  static const char *values[] = { "a\x1f" "b", "\x1f", "x\x1f\x1f" "y\x01\n\"", "plain" };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autofree char *line = NULL;
      const char *p;

      json_builder_begin_object (builder);
      mg_output_add_string (builder, "subject", values[i]);
      json_builder_end_object (builder);
      line = mg_output_json_line (builder);
      for (p = line; *p != '\0'; p++)
        if ((unsigned char) *p < 0x20)
          fail_msg ("raw control character 0x%02x in %s", (unsigned char) *p, line);
      assert_true (json_parser_load_from_data (parser, line, -1, NULL));
      assert_string_equal (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                          "subject"), values[i]);
    }
}

/* mg_output_judgement() in JSON writes that line and a newline. */
static void
test_json_lines (void **state)
{
  case_t c = { 0 };
  g_autofree char *line = NULL;
  g_autofree char *written = NULL;

  (void) state;
  judge (&c, PROBLEM_HEADERS, PROBLEM_BODY, NULL);
  line = mg_output_judgement_json (c.analysis, c.judgement);
  written = output_of (&c, MG_FORMAT_JSON, FALSE);
  assert_int_equal (strlen (written), strlen (line) + 1);
  assert_memory_equal (written, line, strlen (line));
  assert_int_equal (written[strlen (line)], '\n');
  assert_null (strchr (line, '\n'));
  /* colour never touches JSON */
  g_free (written);
  written = output_of (&c, MG_FORMAT_JSON, TRUE);
  assert_null (strchr (written, '\x1b'));
  case_free (&c);
}

static void
test_format_names (void **state)
{
  static const struct {
    const char *name;
    gboolean ok;
    mg_format_t format;
  } rows[] = {
    { "text", TRUE, MG_FORMAT_TEXT },
    { "json", TRUE, MG_FORMAT_JSON },
    { "JSON", FALSE, 0 },
    { "jsonl", FALSE, 0 },
    { "", FALSE, 0 },
    { NULL, FALSE, 0 },
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      mg_format_t format = (mg_format_t) 7;
      assert_int_equal (mg_format_from_name (rows[i].name, &format), rows[i].ok);
      assert_int_equal (format, rows[i].ok ? rows[i].format : (mg_format_t) 7);
    }
}

/* --- text -------------------------------------------------------------------- */

/* Lines of @text that are findings: "  severity[rule-id]: reason". */
static guint
count_finding_lines (const char *text, GPtrArray *seen)
{
  g_autoptr (GRegex) re = g_regex_new ("^  (block|warn|info)\\[([a-z-]+)\\]: \\S.*$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) info = NULL;
  guint n = 0;

  g_regex_match (re, text, 0, &info);
  while (g_match_info_matches (info))
    {
      g_ptr_array_add (seen, g_match_info_fetch (info, 0));
      n++;
      g_match_info_next (info, NULL);
    }
  return n;
}

static void
test_text_plain (void **state)
{
  static const char *const lines[] = {
    "  block[applicant-id-missing]: ",
    "  warn[tone-emotional]: ",
    "  warn[salutation]: ",
  };
  case_t c = { 0 };
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  guint i;

  (void) state;
  judge (&c, PROBLEM_HEADERS, PROBLEM_BODY, NULL);
  text = output_of (&c, MG_FORMAT_TEXT, FALSE);
  assert_null (strchr (text, '\x1b'));
  assert_true (g_utf8_validate (text, -1, NULL));
  assert_int_equal (count_finding_lines (text, seen), 3);
  for (i = 0; i < G_N_ELEMENTS (lines); i++)
    if (!g_str_has_prefix (g_ptr_array_index (seen, i), lines[i]))
      fail_msg ("finding line %u is \"%s\", expected it to start \"%s\"", i,
                (char *) g_ptr_array_index (seen, i), lines[i]);
  /* the verdict, the program, the excerpt with its place */
  assert_non_null (strstr (text, "draft.eml"));
  assert_non_null (strstr (text, "BLOCK"));
  assert_non_null (strstr (text, "harbor-ir"));
  assert_non_null (strstr (text, "\"dream program\""));
  assert_non_null (strstr (text, "line 5"));
  /* the reason says what to do instead */
  assert_non_null (strstr (text, "AAMC ID"));
  case_free (&c);
}

static void
test_text_colour (void **state)
{
  case_t c = { 0 };
  g_autofree char *text = NULL;

  (void) state;
  judge (&c, PROBLEM_HEADERS, PROBLEM_BODY, NULL);
  text = output_of (&c, MG_FORMAT_TEXT, TRUE);
  assert_non_null (strstr (text, "\x1b["));
  assert_non_null (strstr (text, "block[applicant-id-missing]"));
  assert_non_null (strstr (text, "warn[tone-emotional]"));
  /* every escape is reset on its line */
  {
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    guint i;
    for (i = 0; lines[i] != NULL; i++)
      if (strchr (lines[i], '\x1b') != NULL && strstr (lines[i], "\x1b[0m") == NULL)
        fail_msg ("line %u leaves a colour on: %s", i, lines[i]);
  }
  case_free (&c);
}

/* An ok message without findings still says where it goes. */
static void
test_text_ok (void **state)
{
  case_t c = { 0 };
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  (void) state;
  judge (&c, "To: " HARBOR "\nSubject: Update\n",
         "Dear Dr. Calloway,\n\nHarbor IR remains a program I admire.\n\nAAMC ID: 31415926\n", NULL);
  text = output_of (&c, MG_FORMAT_TEXT, FALSE);
  assert_non_null (strstr (text, "OK"));
  assert_non_null (strstr (text, "harbor-ir"));
  assert_int_equal (count_finding_lines (text, seen), 0);
  case_free (&c);
}

/* Control characters from headers, the source name and the envelope never
 * reach the terminal raw: only line ends remain, and no escape at all
 * without colour. */
static void
test_text_sanitised (void **state)
{
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (hostile_subjects); i++)
    {
      g_autofree char *headers = g_strdup_printf ("To: " HARBOR ", " KESTREL_ANY "\nSubject: %s\n",
                                                  hostile_subjects[i].subject_header);
      case_t c = { 0 };
      g_autofree char *text = NULL;
      const char *p;

      judge (&c, headers, "Hi,\n\nHarbor IR is my dream program.\n", NULL);
      g_free (c.message->source);
      c.message->source = g_strdup ("evil\x1b]0;title\x07\r.eml");
      text = output_of (&c, MG_FORMAT_TEXT, FALSE);
      if (!g_utf8_validate (text, -1, NULL))
        fail_msg ("row %u: text output is not valid UTF-8", i);
      for (p = text; *p != '\0'; p++)
        if (((unsigned char) *p < 0x20 && *p != '\n' && *p != '\t') || (unsigned char) *p == 0x7f)
          fail_msg ("row %u: raw control character 0x%02x in the text output:\n%s", i,
                    (unsigned char) *p, text);
      assert_non_null (strstr (text, "warn[tone-emotional]: "));
      case_free (&c);
    }
}

static void
test_text_sanitised_recipient (void **state)
{
  case_t c = { 0 };
  g_autofree char *text = NULL;
  const char *p;

  (void) state;
  judge (&c, "To: " HARBOR "\nSubject: Update\n",
         "Dear Dr. Calloway,\n\nHarbor IR remains a program I admire.\n\nAAMC ID: 31415926\n",
         "tom\xe1s\x1b[2J\x07@harborbay.example.edu");
  text = output_of (&c, MG_FORMAT_TEXT, FALSE);
  assert_true (g_utf8_validate (text, -1, NULL));
  for (p = text; *p != '\0'; p++)
    if (((unsigned char) *p < 0x20 && *p != '\n' && *p != '\t') || (unsigned char) *p == 0x7f)
      fail_msg ("raw control character 0x%02x in the text output:\n%s", (unsigned char) *p, text);
  case_free (&c);
}

/* Findings after a rules change are what the output shows (no caching). */
static void
test_output_follows_judgement (void **state)
{
  case_t c = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  (void) state;
  judge (&c, PROBLEM_HEADERS, PROBLEM_BODY, NULL);
  before = mg_output_judgement_json (c.analysis, c.judgement);
  rejudge (&c);
  after = mg_output_judgement_json (c.analysis, c.judgement);
  assert_string_equal (before, after);
  case_free (&c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_json_values),
    cmocka_unit_test (test_json_verdicts),
    cmocka_unit_test (test_json_ambiguous),
    cmocka_unit_test (test_json_not_program_mail),
    cmocka_unit_test (test_json_hostile_subject),
    cmocka_unit_test (test_json_raw_fields),
    cmocka_unit_test (test_json_raw_recipient),
    cmocka_unit_test (test_json_lines),
    cmocka_unit_test (test_json_line_controls),
    cmocka_unit_test (test_format_names),
    cmocka_unit_test (test_text_plain),
    cmocka_unit_test (test_text_colour),
    cmocka_unit_test (test_text_ok),
    cmocka_unit_test (test_text_sanitised),
    cmocka_unit_test (test_text_sanitised_recipient),
    cmocka_unit_test (test_output_follows_judgement),
  };

  g_setenv ("TZ", "America/New_York", TRUE);
  tzset ();
  mg_gmime_init ();
  return cmocka_run_group_tests_name ("output", tests, setup, teardown);
}
