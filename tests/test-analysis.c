/* test-analysis.c - what a message says and to whom (SPEC 4, 4a): intent
 * level, kind, and the programs its recipients belong to.
 *
 * Messages are built in memory and analysed with the unit configuration
 * tests/data/unit/unit.conf (fictional programs, see unit-programs.conf).
 * Each table row is one check; a failing row is printed and the others
 * still run.  Rows that show behaviour contradicting the SPEC are kept in
 * the KNOWN_FAILURES blocks until the code is fixed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mg-analysis.h"
#include "mg-config.h"
#include "mg-message.h"

#define UNIT_CONF MG_TOP_SRCDIR "/tests/data/unit/unit.conf"

#define HARBOR "ir-residency@harborbay.example.edu"
#define APPLICANT "Tomas Abara <tomas.abara@mail.example.net>"

/* A body in the shape of a real note: greeting, the text, a signature
 * with the applicant's AAMC ID. */
#define BODY(text) \
  "Dear Dr. Calloway,\n\n" text "\n\nBest regards,\nTomas Abara\nAAMC ID: 31415926\n"

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

/* A message as the tests write it.  @to NULL: the Harbor IR address;
 * @subject NULL: no Subject header; @headers: more header lines, each
 * ending in "\n". */
static mg_message_t *
make_message (const char *to, const char *subject, const char *headers, const char *body)
{
  g_autoptr (GString) raw = g_string_new ("From: " APPLICANT "\n");
  g_autoptr (GError) error = NULL;
  mg_message_t *message;

  g_string_append_printf (raw, "To: %s\n", to != NULL ? to : HARBOR);
  if (subject != NULL)
    g_string_append_printf (raw, "Subject: %s\n", subject);
  g_string_append (raw, "Date: Tue, 20 Oct 2026 10:00:00 -0400\n"
                        "Message-ID: <unit-analysis@mail.example.net>\n");
  if (headers != NULL)
    g_string_append (raw, headers);
  g_string_append (raw, "MIME-Version: 1.0\n"
                        "Content-Type: text/plain; charset=utf-8\n"
                        "Content-Transfer-Encoding: 8bit\n\n");
  g_string_append (raw, body);
  message = mg_message_parse_data (raw->str, raw->len, "unit.eml", &error);
  if (message == NULL)
    fail_msg ("cannot parse the test message: %s", error->message);
  return message;
}

/* --- intent level and kind ------------------------------------------------- */

typedef struct {
  const char *subject;       /* NULL: "Harbor Bay IR" */
  const char *headers;       /* extra header lines, or NULL */
  const char *body;
  mg_intent_t intent;
  mg_kind_t kind;
  gboolean trade;            /* a conditional rank trade is found */
} intent_row_t;

#define NEUTRAL "Harbor Bay IR"

static const intent_row_t intent_rows[] = {
  /* first: the SPEC 4 examples and their spellings */
  { NULL, NULL, BODY ("I intend to rank your program #1."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("After much thought, you are my clear #1."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR is my top choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor Bay IR remains my first choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I will rank you first."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR will be number one on my rank list."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("You are my top choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("You are now my number one choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("My first choice is your program."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I will rank Harbor IR at the top of my list."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I intend to rank Harbor IR #1 on my NRMP list."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR has become my top choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I wanted to let you know that Harbor IR is my first choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I have not decided everything, but you are my #1."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I\xe2\x80\x99ve decided that Harbor IR is my #1."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("You\xe2\x80\x99re my first choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I'm going to rank your program first."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR will be ranked #1 on my list."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  /* curly apostrophes, contractions, line breaks inside the phrase */
  { NULL, NULL, BODY ("I\xe2\x80\x99ll rank Harbor IR #1."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I\xe2\x80\x99m ranking Harbor IR No. 1 this year."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I am ranking your program first."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I'd rank you first without hesitation."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I intend to rank\nyour program\n#1 on my list."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR is my\r\n  top   choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("YOU ARE MY TOP CHOICE."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  /* strong */
  { NULL, NULL, BODY ("Your program is among my top choices."), MG_INTENT_STRONG, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR is one of my top choices."), MG_INTENT_STRONG, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR is near the top of my rank list."), MG_INTENT_STRONG, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I would like to say that you are among my top three programs."), MG_INTENT_STRONG, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("You are my top choices."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* interest */
  { NULL, NULL, BODY ("I will rank your program highly."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("I am very interested in Harbor IR."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("I plan to rank Harbor IR very highly."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("I am ranking Harbor IR highly."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("Harbor IR is high on my rank list."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("I remain interested in Harbor IR."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("I would be thrilled to train at Harbor IR."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  { NULL, NULL, BODY ("I\xe2\x80\x99m very interested in your program and will rank it highly."), MG_INTENT_INTEREST, MG_KIND_INTEREST, FALSE },
  /* the highest level stated wins, wherever it is */
  { NULL, NULL, BODY ("I am very interested in Harbor IR.\n\nIn fact, Harbor IR is my top choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I will rank your program highly; it is one of my top choices."), MG_INTENT_STRONG, MG_KIND_INTENT, FALSE },
  /* negated, hypothetical, asked: no intent */
  { NULL, NULL, BODY ("I have not yet decided my #1."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I haven\xe2\x80\x99t finalized my first choice yet."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("Should I tell you that you are my #1?"), MG_INTENT_NONE, MG_KIND_INQUIRY, FALSE },
  { NULL, NULL, BODY ("My #1 priority is patient care."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("My #1 goal is to train in IR."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I do not know yet which program is my first choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I am not sure that you are my first choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I can\xe2\x80\x99t say yet that Harbor IR is my first choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("Harbor IR is not my first choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I am still deciding which program will be my first choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I wonder whether you are my top choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("Whether Harbor IR is my first choice is something I will decide in February."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("Is Harbor IR my top choice? I think about it often."), MG_INTENT_NONE, MG_KIND_INQUIRY, FALSE },
  { NULL, NULL, BODY ("Would I rank you first? Absolutely, I would."), MG_INTENT_NONE, MG_KIND_INQUIRY, FALSE },
  /* "first" that is not about ranking */
  { NULL, NULL, BODY ("It was the first time I saw a TIPS procedure."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I was first author on a paper about TACE."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("Harbor IR is the first program I interviewed with."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I will be ranking programs in February."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* a conditional trade is not intent (SPEC 4a) */
  { NULL, NULL, BODY ("If you rank me to match, I will rank you #1."), MG_INTENT_NONE, MG_KIND_OTHER, TRUE },
  { NULL, NULL, BODY ("I will rank you #1 if you rank me to match."), MG_INTENT_NONE, MG_KIND_OTHER, TRUE },
  { NULL, NULL, BODY ("If your program ranks me highly, I will rank you first."), MG_INTENT_NONE, MG_KIND_OTHER, TRUE },
  { NULL, NULL, BODY ("I promise to rank you #1 if you offer me a position."), MG_INTENT_NONE, MG_KIND_OTHER, TRUE },
  /* a trade in one sentence does not hide intent stated in another */
  { NULL, NULL, BODY ("Harbor IR is one of my top choices.\n\nIf you rank me to match, I will rank you #1."), MG_INTENT_STRONG, MG_KIND_INTENT, TRUE },
  /* quoted text states nothing (SPEC 4a) */
  { NULL, NULL, "Dear Dr. Calloway,\n\nThank you for the schedule.\n\nOn Mon, Oct 19, 2026 at 9:00 AM Imani Calloway wrote:\n"
    "> you are my top choice\n> I will rank you #1\n\nBest regards,\nTomas\nAAMC ID: 31415926\n",
    MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, "Dear Dr. Calloway,\n\nPlease see my note below.\n\n-----Original Message-----\nFrom: Tomas Abara\nSent: Monday\n\n"
    "Harbor IR is my top choice.\n", MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* ... but authored text after a quote (an inline reply) does */
  { NULL, NULL, "Dear Dr. Calloway,\n\n> How do you feel about our program?\n\nHarbor IR is my top choice.\n\nBest regards,\nTomas\n",
    MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  /* nor does the signature */
  { NULL, NULL, "Dear Dr. Calloway,\n\nI look forward to visiting Harbor IR.\n\n-- \nTomas Abara\n"
    "\"Harbor IR is my top choice\" - my motto\nAAMC ID: 31415926\n", MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* nor does the Subject */
  { "Harbor IR is my top choice", NULL, BODY ("I look forward to visiting Harbor IR."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* a paragraph break is not white space inside a phrase */
  { NULL, NULL, BODY ("I will rank\n\nyour program #1"), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* negation inside the matched phrase: SPEC 4 "negated ... statements are
   * not intent" */
  { NULL, NULL, BODY ("I do not intend to rank your program #1."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I would never rank Harbor IR first."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I don't plan to rank Harbor IR first."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I\xe2\x80\x99m not ranking Harbor IR #1."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* "ranked first in my class" is not a rank-list statement */
  { NULL, NULL, BODY ("I ranked first in my class at medical school."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I was ranked first in the anatomy olympiad."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  { NULL, NULL, BODY ("I rank research as my first priority."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* an open decision is hypothetical */
  { NULL, NULL, BODY ("I have to decide which program is my top choice."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* a compliment about standing, not the applicant's ranking */
  { NULL, NULL, BODY ("Harbor IR is among the top programs in the country."), MG_INTENT_NONE, MG_KIND_OTHER, FALSE },
  /* a trade with the program named instead of "you" */
  { NULL, NULL, BODY ("I will rank Harbor IR first if Harbor IR ranks me to match."), MG_INTENT_NONE, MG_KIND_OTHER, TRUE },
  /* a statement followed by a question in the same sentence is stated */
  { NULL, NULL, BODY ("Harbor IR is one of my top choices, and I have a question: do you sponsor visas?"), MG_INTENT_STRONG, MG_KIND_INTENT, FALSE },
  /* an appositive states #1 intent too */
  { NULL, NULL, BODY ("Harbor IR\xe2\x80\x94my first choice\xe2\x80\x94has everything I want."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  /* emphatic statements whose idioms hold a negation word */
  { NULL, NULL, BODY ("Harbor IR is, without doubt, my top choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("Harbor IR is without doubt my top choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I can't wait to tell you that Harbor IR is my first choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
  { NULL, NULL, BODY ("I could not be more certain that Harbor IR is my first choice."), MG_INTENT_FIRST, MG_KIND_INTENT, FALSE },
};


static gboolean
check_intent_row (guint i, const intent_row_t *row)
{
  g_autoptr (mg_message_t) message = make_message (NULL, row->subject ? row->subject : NEUTRAL,
                                                   row->headers, row->body);
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, NULL);
  gboolean trade = analysis->trade_span.region != NULL;

  if (analysis->intent == row->intent && analysis->kind == row->kind && trade == row->trade)
    return TRUE;
  print_error ("row %u: intent %s kind %s trade %d, expected intent %s kind %s trade %d:\n%s\n", i,
               mg_intent_name (analysis->intent), mg_kind_name (analysis->kind), trade,
               mg_intent_name (row->intent), mg_kind_name (row->kind), row->trade, row->body);
  return FALSE;
}

static void
test_intent (void **state)
{
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (intent_rows); i++)
    if (!check_intent_row (i, &intent_rows[i]))
      failures++;
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (intent_rows));
}

/* Where the intent was stated: the excerpt keeps the original wording
 * (curly apostrophe, line break collapsed) and the line is the line of
 * the part where the phrase starts. */
static void
test_intent_span (void **state)
{
  static const struct {
    const char *body;
    const char *excerpt;
    int line;
  } rows[] = {
    { BODY ("I\xe2\x80\x99ll rank Harbor IR #1."), "I\xe2\x80\x99ll rank Harbor IR #1", 3 },
    { BODY ("Thanks again.\n\nAfter much thought,\nyou are my clear\n#1 on my list."), "are my clear #1", 6 },
    { "Dear Dr. Vos,\n\n> Do you have any questions?\n\nNone; you are among my top choices.\n", "among my top choices", 5 },
  };
  guint i;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (mg_message_t) message = make_message (NULL, NEUTRAL, NULL, rows[i].body);
      g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, NULL);
      g_autofree char *excerpt = NULL;
      const char *part = NULL;
      int line = 0;

      if (analysis->intent_span.region == NULL)
        fail_msg ("row %u: no intent span", i);
      assert_ptr_equal (analysis->intent_span.region, &analysis->authored);
      excerpt = mg_region_locate (analysis->intent_span.region, analysis->intent_span.start,
                                  analysis->intent_span.end, &part, &line);
      if (strstr (excerpt, rows[i].excerpt) == NULL)
        fail_msg ("row %u: excerpt \"%s\" does not hold \"%s\"", i, excerpt, rows[i].excerpt);
      assert_string_equal (part, "1");
      assert_int_equal (line, rows[i].line);
    }
}

/* --- kind in SPEC 4a order ------------------------------------------------- */

typedef struct {
  const char *subject;
  const char *headers;
  const char *body;
  mg_kind_t kind;
  gboolean reply;
} kind_row_t;

#define IN_REPLY_TO "In-Reply-To: <invite-2026@harborbay.example.edu>\n"
#define REFERENCES "References: <invite-2026@harborbay.example.edu>\n"

static const kind_row_t kind_rows[] = {
  /* reply: In-Reply-To, References or a Re:/RE:/Aw: Subject, without strong
   * or first intent */
  { "Harbor IR interview", IN_REPLY_TO, BODY ("Thank you, I will be there at 8 am."), MG_KIND_REPLY, TRUE },
  { "Harbor IR interview", REFERENCES, BODY ("I will be there at 8 am."), MG_KIND_REPLY, TRUE },
  { "Re: Harbor IR interview", NULL, BODY ("I will rank Harbor IR highly."), MG_KIND_REPLY, TRUE },
  { "RE: Harbor IR interview", NULL, BODY ("Would it be possible to reschedule my interview to December 3?"), MG_KIND_REPLY, TRUE },
  { "Aw: Harbor IR", NULL, BODY ("Thank you for interviewing me yesterday."), MG_KIND_REPLY, TRUE },
  { "re: Harbor IR", NULL, BODY ("I recently passed Step 2 CK with a score of 255."), MG_KIND_REPLY, TRUE },
  /* a reply with strong or first intent is an intent message */
  { "Re: Harbor IR interview", NULL, BODY ("Harbor IR is among my top choices."), MG_KIND_INTENT, TRUE },
  { "Harbor IR", IN_REPLY_TO, BODY ("Harbor IR is my top choice."), MG_KIND_INTENT, TRUE },
  /* "Re" inside a word or later in the Subject is not a reply */
  { "Research update from Tomas Abara", NULL, BODY ("My abstract on TACE has been accepted at SIR."), MG_KIND_UPDATE, FALSE },
  { "Fwd: Re: Harbor IR", NULL, BODY ("Please see below."), MG_KIND_OTHER, FALSE },
  /* intent beats everything below it */
  { NEUTRAL, NULL, BODY ("Thank you for interviewing me yesterday. Harbor IR is my first choice."), MG_KIND_INTENT, FALSE },
  { NEUTRAL, NULL, BODY ("My abstract has been accepted at SIR. Harbor IR is among my top choices."), MG_KIND_INTENT, FALSE },
  /* reschedule */
  { "Harbor IR interview date", NULL, BODY ("Would it be possible to reschedule my interview at Harbor IR to December 3?"), MG_KIND_RESCHEDULE, FALSE },
  { "Harbor IR interview", NULL, BODY ("Unfortunately I need to move my interview, because of a visa appointment."), MG_KIND_RESCHEDULE, FALSE },
  { "Harbor IR interview", NULL, BODY ("Thank you for the invitation. Is it possible to change my interview to November 17?"), MG_KIND_RESCHEDULE, FALSE },
  { "Harbor IR interview", NULL, BODY ("Thank you for the invitation. Could my interview be moved to a later date?"), MG_KIND_RESCHEDULE, FALSE },
  /* scheduling */
  { "Harbor IR interview", NULL, BODY ("I am happy to confirm my interview at Harbor IR on November 10."), MG_KIND_SCHEDULING, FALSE },
  { "Harbor IR interview", NULL, BODY ("I am writing to decline the interview invitation from Harbor IR."), MG_KIND_SCHEDULING, FALSE },
  { "Harbor IR interview", NULL, BODY ("Thank you for the invitation! I would like to accept the interview on November 10."), MG_KIND_SCHEDULING, FALSE },
  /* thank-you: thanks for the interview, in the text or Subject + text */
  { NEUTRAL, NULL, BODY ("Thank you for interviewing me yesterday at Harbor IR. I enjoyed our conversation about TACE."), MG_KIND_THANK_YOU, FALSE },
  { "Thank you - Harbor IR interview", NULL, BODY ("I enjoyed our conversation about portal vein embolization at Harbor IR."), MG_KIND_THANK_YOU, FALSE },
  { NEUTRAL, NULL, BODY ("I am grateful for the opportunity to interview at Harbor IR last week."), MG_KIND_THANK_YOU, FALSE },
  { NEUTRAL, NULL, BODY ("Thank you for interviewing me. Since then my abstract has been accepted at SIR."), MG_KIND_THANK_YOU, FALSE },
  /* thanks that are not for an interview */
  { NEUTRAL, NULL, BODY ("Thank you for your time. I look forward to hearing from Harbor IR."), MG_KIND_OTHER, FALSE },
  /* update */
  { "Update from Tomas Abara", NULL, BODY ("I am pleased to share that my abstract on TACE has been accepted at SIR."), MG_KIND_UPDATE, FALSE },
  { NEUTRAL, NULL, BODY ("I recently passed Step 2 CK with a score of 255 and wanted to let Harbor IR know."), MG_KIND_UPDATE, FALSE },
  { NEUTRAL, NULL, BODY ("I have completed an observership in IR at Lakeview and want Harbor IR to know."), MG_KIND_UPDATE, FALSE },
  { NEUTRAL, NULL, BODY ("I have just received my ECFMG certification."), MG_KIND_UPDATE, FALSE },
  { "Application update - Tomas Abara", NULL, BODY ("Please find my new CV attached."), MG_KIND_UPDATE, FALSE },
  { NEUTRAL, NULL, BODY ("My abstract has been accepted at SIR. Does Harbor IR offer research time?"), MG_KIND_UPDATE, FALSE },
  /* inquiry */
  { "Harbor IR question", NULL, BODY ("Does your program sponsor H-1B visas? I am applying to Harbor IR."), MG_KIND_INQUIRY, FALSE },
  { NEUTRAL, NULL, BODY ("I wanted to ask whether Harbor IR offers research time."), MG_KIND_INQUIRY, FALSE },
  { NEUTRAL, NULL, BODY ("I am very interested in Harbor IR. How many residents do you take each year?"), MG_KIND_INQUIRY, FALSE },
  /* interest */
  { NEUTRAL, NULL, BODY ("I am very interested in Harbor IR and its IO program."), MG_KIND_INTEREST, FALSE },
  { NEUTRAL, NULL, BODY ("I will rank Harbor IR highly and hope to train there."), MG_KIND_INTEREST, FALSE },
  /* other */
  { NEUTRAL, NULL, BODY ("Please find attached my CV for Harbor IR."), MG_KIND_OTHER, FALSE },
  { NEUTRAL, NULL, "", MG_KIND_OTHER, FALSE },
};

static void
test_kind (void **state)
{
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (kind_rows); i++)
    {
      const kind_row_t *row = &kind_rows[i];
      g_autoptr (mg_message_t) message = make_message (NULL, row->subject, row->headers, row->body);
      g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, NULL);

      if (analysis->kind != row->kind || analysis->is_reply != row->reply)
        {
          print_error ("row %u: kind %s reply %d, expected %s reply %d: [%s] %s\n", i,
                       mg_kind_name (analysis->kind), analysis->is_reply, mg_kind_name (row->kind),
                       row->reply, row->subject, row->body);
          failures++;
        }
    }
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (kind_rows));
}

static void
test_names (void **state)
{
  static const char *const kinds[] = {
    "thank-you", "update", "intent", "interest", "inquiry", "scheduling", "reschedule", "reply", "other",
  };
  static const char *const intents[] = { "none", "interest", "strong", "first" };
  guint i;

  (void) state;
  assert_int_equal (G_N_ELEMENTS (kinds), MG_KIND_OTHER + 1);
  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    assert_string_equal (mg_kind_name ((mg_kind_t) i), kinds[i]);
  for (i = 0; i < G_N_ELEMENTS (intents); i++)
    assert_string_equal (mg_intent_name ((mg_intent_t) i), intents[i]);
}

/* --- recipients ------------------------------------------------------------ */

typedef struct {
  const char *to;            /* the To header */
  const char *headers;       /* Cc, Bcc, ... */
  const char *envelope;      /* ';'-separated, or NULL */
  const char *subject;
  const char *text;          /* the authored text */
  const char *groups;        /* expected, see describe_groups() */
} recipient_row_t;

/* The groups as one string: "ID=addr,addr" per group, space-separated, in
 * the analysis order; the ambiguous group is "?CAND,CAND=addr,addr".
 * "" when the message is not program mail. */
static char *
describe_groups (const mg_analysis_t *analysis)
{
  GString *out = g_string_new (NULL);
  guint i, k;

  for (i = 0; i < analysis->groups->len; i++)
    {
      const mg_program_group_t *group = g_ptr_array_index (analysis->groups, i);

      if (i > 0)
        g_string_append_c (out, ' ');
      if (group->program != NULL)
        g_string_append (out, group->program->id);
      else
        {
          g_string_append_c (out, '?');
          for (k = 0; k < group->candidates->len; k++)
            g_string_append_printf (out, "%s%s", k ? "," : "",
                                    ((const mg_program_t *) g_ptr_array_index (group->candidates, k))->id);
        }
      g_string_append_c (out, '=');
      for (k = 0; k < group->recipients->len; k++)
        g_string_append_printf (out, "%s%s", k ? "," : "",
                                (const char *) g_ptr_array_index (group->recipients, k));
    }
  return g_string_free (out, FALSE);
}

#define KESTREL "kestrel-health.example.org"
#define PLAIN "Please find my updated CV attached."

static const recipient_row_t recipient_rows[] = {
  /* an exact address, a contact, the domain */
  { HARBOR, NULL, NULL, NEUTRAL, PLAIN, "harbor-ir=" HARBOR },
  { "Dr. Pieter Vos <pvos@harborbay.example.edu>", NULL, NULL, NEUTRAL, PLAIN, "harbor-ir=pvos@harborbay.example.edu" },
  { "someone.else@harborbay.example.edu", NULL, NULL, NEUTRAL, PLAIN, "harbor-ir=someone.else@harborbay.example.edu" },
  /* case-insensitive, reported lower-case */
  { "PVos@HarborBay.Example.EDU", NULL, NULL, NEUTRAL, PLAIN, "harbor-ir=pvos@harborbay.example.edu" },
  /* a subdomain belongs to its domain */
  { "chief@ir.harborbay.example.edu", NULL, NULL, NEUTRAL, PLAIN, "harbor-ir=chief@ir.harborbay.example.edu" },
  /* an exact address wins over another program's domain */
  { "prairie-coord@harborbay.example.edu", NULL, NULL, NEUTRAL, PLAIN, "prairie-ir=prairie-coord@harborbay.example.edu" },
  /* look-alike domains are not the program's */
  { "chief@notharborbay.example.edu", NULL, NULL, NEUTRAL, PLAIN, "" },
  { "chief@harborbay.example.edu.mailer.example.net", NULL, NULL, NEUTRAL, PLAIN, "" },
  { "chief@harborbay-example.edu", NULL, NULL, NEUTRAL, PLAIN, "" },
  { "ir-residency@harborbay.example.com", NULL, NULL, NEUTRAL, PLAIN, "" },
  /* not residency mail */
  { "friend@mail.example.net", NULL, NULL, "Dinner", "I am very interested in your new flat.", "" },
  /* several programs, in registry order, addresses deduplicated */
  { "radres@lumenpoint.example.org, " HARBOR, "Cc: pvos@harborbay.example.edu\nBcc: " HARBOR "\n", NULL, NEUTRAL, PLAIN,
    "harbor-ir=" HARBOR ",pvos@harborbay.example.edu lumen-dr=radres@lumenpoint.example.org" },
  { "friend@mail.example.net", "Cc: Committee: radres@lumenpoint.example.org, slindgren@lumenpoint.example.org;\n", NULL,
    NEUTRAL, PLAIN, "lumen-dr=radres@lumenpoint.example.org,slindgren@lumenpoint.example.org" },
  /* a shared domain: an exact address decides */
  { "ir-program@" KESTREL, NULL, NULL, NEUTRAL, PLAIN, "kestrel-ir=ir-program@" KESTREL },
  { "hdahl@" KESTREL, NULL, NULL, NEUTRAL, PLAIN, "kestrel-dr=hdahl@" KESTREL },
  /* ... else the program the authored text or the Subject names */
  { "gme@" KESTREL, NULL, NULL, NEUTRAL, "I am very interested in Kestrel Valley IR.", "kestrel-ir=gme@" KESTREL },
  { "gme@" KESTREL, NULL, NULL, "Kestrel Valley DR application", PLAIN, "kestrel-dr=gme@" KESTREL },
  { "gme@" KESTREL, NULL, NULL, NEUTRAL, "Your Kestrel Valley Diagnostic Radiology Residency is superb.", "kestrel-dr=gme@" KESTREL },
  /* ... else it is ambiguous: one group of unknown identity */
  { "gme@" KESTREL, NULL, NULL, NEUTRAL, PLAIN, "?kestrel-ir,kestrel-dr=gme@" KESTREL },
  { "gme@" KESTREL ", office@" KESTREL, NULL, NULL, NEUTRAL, PLAIN, "?kestrel-ir,kestrel-dr=gme@" KESTREL ",office@" KESTREL },
  { "gme@" KESTREL ", " HARBOR, NULL, NULL, NEUTRAL, PLAIN, "harbor-ir=" HARBOR " ?kestrel-ir,kestrel-dr=gme@" KESTREL },
  { "gme@oakhurst.example.org", NULL, NULL, NEUTRAL, PLAIN, "?oakhurst-ir,oakhurst-fellowship=gme@oakhurst.example.org" },
  /* naming both programs decides nothing */
  { "gme@" KESTREL, NULL, NULL, NEUTRAL, "I applied to Kestrel IR and to Kestrel DR.", "?kestrel-ir,kestrel-dr=gme@" KESTREL },
  /* a name in quoted text or in the signature decides nothing (SPEC 4a) */
  { "gme@" KESTREL, NULL, NULL, NEUTRAL, PLAIN "\n\n> Kestrel Valley IR interview schedule\n> attached", "?kestrel-ir,kestrel-dr=gme@" KESTREL },
  { "gme@" KESTREL, NULL, NULL, NEUTRAL, PLAIN "\n\n-- \nTomas Abara, applicant to Kestrel Valley IR", "?kestrel-ir,kestrel-dr=gme@" KESTREL },
  /* the envelope replaces the headers */
  { HARBOR, NULL, "radres@lumenpoint.example.org", NEUTRAL, PLAIN, "lumen-dr=radres@lumenpoint.example.org" },
  { HARBOR, NULL, "friend@mail.example.net", NEUTRAL, PLAIN, "" },
  { "friend@mail.example.net", NULL, HARBOR ";RadRes@LumenPoint.example.org;" HARBOR, NEUTRAL, PLAIN,
    "harbor-ir=" HARBOR " lumen-dr=radres@lumenpoint.example.org" },
  /* an empty envelope means the headers */
  { HARBOR, NULL, "", NEUTRAL, PLAIN, "harbor-ir=" HARBOR },
};

static void
test_recipients (void **state)
{
  guint i, failures = 0;

  (void) state;
  for (i = 0; i < G_N_ELEMENTS (recipient_rows); i++)
    {
      const recipient_row_t *row = &recipient_rows[i];
      g_autofree char *body = g_strdup_printf ("Dear Dr. Calloway,\n\n%s\n", row->text);
      g_autoptr (mg_message_t) message = make_message (row->to, row->subject, row->headers, body);
      g_auto (GStrv) envelope = NULL;
      g_autoptr (mg_analysis_t) analysis = NULL;
      g_autofree char *got = NULL;

      if (row->envelope != NULL && row->envelope[0] != '\0')
        envelope = g_strsplit (row->envelope, ";", -1);
      else if (row->envelope != NULL)
        envelope = g_new0 (char *, 1);
      analysis = mg_analysis_new (message, config, (const char *const *) envelope);
      got = describe_groups (analysis);
      if (strcmp (got, row->groups) != 0
          || mg_analysis_is_program_mail (analysis) != (row->groups[0] != '\0'))
        {
          print_error ("row %u: groups \"%s\", expected \"%s\" (To: %s)\n", i, got, row->groups, row->to);
          failures++;
        }
    }
  if (failures > 0)
    fail_msg ("%u of %zu rows failed", failures, G_N_ELEMENTS (recipient_rows));
}

/* Non-program mail still gets its kind and intent (SPEC 4a). */
static void
test_non_program_mail_is_classified (void **state)
{
  g_autoptr (mg_message_t) message = make_message ("friend@mail.example.net", "Harbor IR",
                                                   NULL, BODY ("Harbor IR is my top choice."));
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, NULL);

  (void) state;
  assert_false (mg_analysis_is_program_mail (analysis));
  assert_int_equal (analysis->groups->len, 0);
  assert_int_equal (analysis->intent, MG_INTENT_FIRST);
  assert_int_equal (analysis->kind, MG_KIND_INTENT);
}

/* The regions: authored, signature and Subject are kept apart; quoted
 * text is in none of them. */
static void
test_regions (void **state)
{
  g_autoptr (mg_message_t) message = make_message (
      NULL, "Kestrel  Valley\tIR", NULL,
      "Dear Dr. Calloway,\n\nMy reply is below.\n\n> quoted words here\n\nAfter the quote.\n-- \nTomas Abara\nAAMC ID: 31415926\n");
  g_autoptr (mg_analysis_t) analysis = mg_analysis_new (message, config, NULL);

  (void) state;
  assert_string_equal (analysis->authored.norm->str,
                       "dear dr. calloway,\nmy reply is below.\nafter the quote.");
  assert_non_null (strstr (analysis->signature.norm->str, "tomas abara aamc id: 31415926"));
  assert_null (strstr (analysis->authored.norm->str, "tomas"));
  assert_string_equal (analysis->subject.norm->str, "kestrel valley ir");
  assert_int_equal (analysis->subject_mentions->len, 1);
  assert_string_equal (g_array_index (analysis->subject_mentions, mg_mention_t, 0).program->id,
                       "kestrel-ir");
  assert_int_equal (analysis->mentions->len, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_intent),
    cmocka_unit_test (test_intent_span),
    cmocka_unit_test (test_kind),
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_recipients),
    cmocka_unit_test (test_non_program_mail_is_classified),
    cmocka_unit_test (test_regions),
  };

  g_setenv ("TZ", "America/New_York", TRUE);
  tzset ();
  mg_gmime_init ();
  return cmocka_run_group_tests_name ("analysis", tests, setup, teardown);
}
