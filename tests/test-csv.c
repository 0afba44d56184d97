/* test-csv.c - CSV as spreadsheets export it: a table of inputs and the
 * records (fields joined with '|', record lines) or the error expected. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mg-common.h"
#include "mg-csv.h"

typedef struct {
  const char *what;
  const char *input;
  gssize len;                 /* -1: strlen */
  const char *records[6];     /* fields joined by '|', NULL-terminated */
  int lines[6];               /* where each record starts */
  const char *error;          /* expected error, or NULL */
} csv_case_t;

static const csv_case_t cases[] = {
  { "plain, LF", "id,name\njhu,Hopkins\n", -1, { "id|name", "jhu|Hopkins" }, { 1, 2 }, NULL },
  { "CRLF and no final line end", "id,name\r\njhu,Hopkins", -1,
    { "id|name", "jhu|Hopkins" }, { 1, 2 }, NULL },
  { "Excel's byte order mark is not part of the first name", "\xEF\xBB\xBFid,name\r\n", -1,
    { "id|name" }, { 1 }, NULL },
  { "a quoted comma", "a,\"University of California, San Diego\",c\n", -1,
    { "a|University of California, San Diego|c" }, { 1 }, NULL },
  { "a doubled quote", "\"Dr. \"\"Jim\"\" Roe\",x\n", -1, { "Dr. \"Jim\" Roe|x" }, { 1 }, NULL },
  { "a line break in a cell, CRLF read as LF; the next record's line",
    "id,contacts\r\njhu,\"A <a@x.edu>\r\nB <b@x.edu>\"\r\nnyu,C <c@y.edu>\r\n", -1,
    { "id|contacts", "jhu|A <a@x.edu>\nB <b@x.edu>", "nyu|C <c@y.edu>" }, { 1, 2, 4 }, NULL },
  { "empty fields and a trailing separator", "a,,c,\n,,,\n", -1, { "a||c|", "|||" }, { 1, 2 },
    NULL },
  { "European Excel: ';' from the header", "id;name;domains\njhu;Hopkins, IR;jhmi.edu\n", -1,
    { "id|name|domains", "jhu|Hopkins, IR|jhmi.edu" }, { 1, 2 }, NULL },
  { "a ';' list quoted in a comma file stays one field", "id,aliases\njhu,\"a;b;c\"\n", -1,
    { "id|aliases", "jhu|a;b;c" }, { 1, 2 }, NULL },
  { "a header with one ';' inside quotes is still comma-separated",
    "\"a;b\",c\n1,2\n", -1, { "a;b|c", "1|2" }, { 1, 2 }, NULL },
  { "tab-separated", "id\tname\njhu\tHopkins\n", -1, { "id|name", "jhu|Hopkins" }, { 1, 2 },
    NULL },
  { "a quote inside an unquoted field is kept", "Dr. \"Jim\" Roe,x\n", -1,
    { "Dr. \"Jim\" Roe|x" }, { 1 }, NULL },
  { "UTF-8 names", "José Núñez,Zürich\n", -1, { "José Núñez|Zürich" }, { 1 }, NULL },
  { "blank lines are empty records", "a\n\nb\n", -1, { "a", "", "b" }, { 1, 2, 3 }, NULL },
  { "empty input", "", -1, { NULL }, { 0 }, NULL },
  { "only a BOM", "\xEF\xBB\xBF", -1, { NULL }, { 0 }, NULL },

  { "an unclosed quote names the line it opened on", "id,name\njhu,\"Hopkins\nnyu,NYU\n", -1,
    { NULL }, { 0 }, "t.csv:2: a quoted field is never closed" },
  { "text after a closing quote", "id,name\n\"jhu\"x,y\n", -1, { NULL }, { 0 },
    "t.csv:2: text after the closing '\"'" },
  { "Latin-1 instead of UTF-8", "id,name\njhu,Jos\xE9\n", -1, { NULL }, { 0 },
    "t.csv:2: not UTF-8 text" },
  { "a NUL byte (a binary spreadsheet)", "id,name\n\0\0", 10, { NULL }, { 0 },
    "t.csv:2: a NUL byte" },
};

static void
test_cases (void **state)
{
  guint i, r;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const csv_case_t *c = &cases[i];
      gsize len = c->len < 0 ? strlen (c->input) : (gsize) c->len;
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) records = mg_csv_parse ("t.csv", c->input, len, &error);

      if (c->error != NULL)
        {
          if (records != NULL || error == NULL || strstr (error->message, c->error) == NULL)
            fail_msg ("%s: expected error '%s', got %s", c->what, c->error,
                      error != NULL ? error->message : "records");
          assert_int_equal (error->code, MG_ERROR_CONFIG);
          continue;
        }
      if (records == NULL)
        fail_msg ("%s: %s", c->what, error->message);
      for (r = 0; c->records[r] != NULL; r++)
        {
          const mg_csv_record_t *record;
          g_autofree char *joined = NULL;

          if (r >= records->len)
            fail_msg ("%s: only %u records", c->what, records->len);
          record = g_ptr_array_index (records, r);
          joined = g_strjoinv ("|", record->fields);
          if (strcmp (joined, c->records[r]) != 0 || record->line != c->lines[r])
            fail_msg ("%s: record %u is '%s' at line %d, expected '%s' at line %d", c->what, r,
                      joined, record->line, c->records[r], c->lines[r]);
          assert_int_equal (record->n_fields, g_strv_length (record->fields));
        }
      if (r != records->len)
        fail_msg ("%s: %u records, expected %u", c->what, records->len, r);
    }
}

static void
test_blank_records (void **state)
{
  const char *input = ",,\n , \t,\na,,\n\"\",\" \"\n";
  g_autoptr (GPtrArray) records = mg_csv_parse ("t.csv", input, strlen (input), NULL);

  (void) state;
  assert_non_null (records);
  assert_int_equal (records->len, 4);
  assert_true (mg_csv_record_is_blank (g_ptr_array_index (records, 0)));
  assert_true (mg_csv_record_is_blank (g_ptr_array_index (records, 1)));
  assert_false (mg_csv_record_is_blank (g_ptr_array_index (records, 2)));
  assert_true (mg_csv_record_is_blank (g_ptr_array_index (records, 3)));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_cases),
    cmocka_unit_test (test_blank_records),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
