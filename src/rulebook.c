/* rulebook.c - every rule and every phrase pattern, as data, in one place.
 *
 * Patterns run over normalised text (mg-text.h): lower case, straight
 * quotes, '-' for dashes, contractions expanded ("i will", "have not"),
 * one space between words, '\n' between paragraphs.  So each phrase needs
 * one spelling, and a pattern never spans a paragraph because it uses
 * literal spaces.  Building blocks shared by several patterns are macros
 * below.  Beside each pattern stand its required words (WORDS): a pattern
 * runs, and is compiled, only where one of them occurs, so a message pays
 * only for the few patterns that could match it.
 *
 * Precision comes first: a false block in someone's mail client is a bug.
 * Patterns therefore name the applicant as the subject ("i ... rank"), the
 * program as the object ("rank me"), and the rules check negation and
 * hypothetical cues in the clause before a match (MG_PHRASES_NEGATION).
 */
#define _GNU_SOURCE 1   /* memmem */
#include "config.h"

#include <pthread.h>

#include <stdlib.h>
#include <string.h>

#include "mg-regex-cache.h"
#include "mg-rulebook.h"

/* --- rules ------------------------------------------------------------- */

static const mg_rule_info_t rules[MG_RULE_COUNT] = {
  [MG_RULE_FIRST_CHOICE_DUPLICATE] = {
    "first-choice-duplicate", MG_SEVERITY_BLOCK, FALSE,
    "#1 intent stated to more than one program",
    "Tell only one program it is your #1; to the others say you will rank them highly or that they are among your top choices." },
  [MG_RULE_FOLLOWUP_LIMIT] = {
    "followup-limit", MG_SEVERITY_WARN, TRUE,
    "too many unsolicited messages to one program",
    "Send this only if it carries significant news; the guide suggests one or two well-justified emails per program before interviews." },
  [MG_RULE_FOLLOWUP_TOO_SOON] = {
    "followup-too-soon", MG_SEVERITY_WARN, TRUE,
    "an unsolicited message soon after the previous one",
    "Wait until the minimum gap between follow-ups has passed, or combine this with your next real update." },
  [MG_RULE_APPLICANT_ID_MISSING] = {
    "applicant-id-missing", MG_SEVERITY_BLOCK, FALSE,
    "no AAMC ID in the message",
    "Add your 8-digit AAMC ID (for example in the first paragraph or the signature) so the program can find your application." },
  [MG_RULE_APPLICANT_ID_WRONG] = {
    "applicant-id-wrong", MG_SEVERITY_BLOCK, FALSE,
    "an AAMC/ERAS ID that is not yours",
    "Correct the AAMC ID: it differs from the one in your configuration." },
  [MG_RULE_MULTIPLE_PROGRAMS] = {
    "multiple-programs", MG_SEVERITY_BLOCK, FALSE,
    "one message addressed to several programs",
    "Send a separate, tailored message to each program instead of one message to several." },
  [MG_RULE_PLACEHOLDER] = {
    "placeholder", MG_SEVERITY_BLOCK, FALSE,
    "template text left unfilled",
    "Replace the template placeholder with the real text before sending." },
  [MG_RULE_WRONG_PROGRAM] = {
    "wrong-program", MG_SEVERITY_BLOCK, FALSE,
    "the message names a different program than its recipient",
    "Check that the text speaks of the program you are writing to; a mail-merge or copy-paste left another program's name." },
  [MG_RULE_NRMP_RANK_INQUIRY] = {
    "nrmp-rank-inquiry", MG_SEVERITY_BLOCK, FALSE,
    "asks where or whether the program will rank you",
    "Remove the question: NRMP rules do not allow asking a program how it will rank you; express your own interest instead." },
  [MG_RULE_NRMP_COMMITMENT] = {
    "nrmp-commitment", MG_SEVERITY_BLOCK, FALSE,
    "a commitment outside the Match",
    "Remove the promise: for a program in the NRMP Match any commitment outside the Match is not allowed; say how interested you are instead." },
  [MG_RULE_STATUS_INQUIRY] = {
    "status-inquiry", MG_SEVERITY_WARN, FALSE,
    "asks whether the application was seen or for its status",
    "Do not ask whether your application was reviewed; write only when you have a real update to share." },
  [MG_RULE_TONE_EMOTIONAL] = {
    "tone-emotional", MG_SEVERITY_WARN, FALSE,
    "begging or dramatic language",
    "Keep the tone professional and factual: state your interest and what you bring instead of pleading." },
  [MG_RULE_THANK_YOU_LATE] = {
    "thank-you-late", MG_SEVERITY_WARN, FALSE,
    "a thank-you note long after the interview",
    "Thank-you notes belong within 24-72 hours of the interview; consider whether this one still helps, and keep it short." },
  [MG_RULE_THANK_YOU_DUPLICATE] = {
    "thank-you-duplicate", MG_SEVERITY_WARN, TRUE,
    "the same thank-you text to two interviewers of one program",
    "Tailor each thank-you note to its interviewer: mention something you discussed with that person." },
  [MG_RULE_FOLLOWUP_REPEATED] = {
    "followup-repeated", MG_SEVERITY_WARN, TRUE,
    "nearly the same text as an earlier message to this program",
    "Do not resend the same message; write again only with new information." },
  [MG_RULE_RESCHEDULE_REPEATED] = {
    "reschedule-repeated", MG_SEVERITY_WARN, TRUE,
    "a second request to reschedule the interview",
    "Reschedule once, early and politely; a second request needs a very good reason stated plainly." },
  [MG_RULE_CC_FACULTY] = {
    "cc-faculty", MG_SEVERITY_WARN, FALSE,
    "many addresses of one program on one message",
    "Write to one person (the program director or coordinator) instead of copying several faculty members." },
  [MG_RULE_SALUTATION] = {
    "salutation", MG_SEVERITY_WARN, FALSE,
    "greeting without a title",
    "Greet the person with their title, e.g. \"Dear Dr. Lastname\", or the committee, e.g. \"Dear Selection Committee\"." },
  [MG_RULE_GENERIC_MESSAGE] = {
    "generic-message", MG_SEVERITY_WARN, FALSE,
    "an unsolicited message that never names the program",
    "Name the program and say what draws you to it; generic mass emails rarely help." },
  [MG_RULE_TRACK_MISMATCH] = {
    "track-mismatch", MG_SEVERITY_WARN, FALSE,
    "speaks of the wrong residency track",
    "Match the track to the program: a DR program with ESIR is not an integrated IR residency, and the reverse." },
  [MG_RULE_UNWANTED_CONTACT] = {
    "unwanted-contact", MG_SEVERITY_WARN, FALSE,
    "an unsolicited message to a program that asked not to be written to after interviews",
    "This program asked applicants not to write after the interview; do not send unless it asked you for something." },
  [MG_RULE_AMBIGUOUS_RECIPIENT] = {
    "ambiguous-recipient", MG_SEVERITY_WARN, FALSE,
    "a recipient shared by several programs",
    "Name the program you are writing to in the text, or use the program's own address from your registry." },
  [MG_RULE_SUBJECT_MISSING] = {
    "subject-missing", MG_SEVERITY_WARN, FALSE,
    "no Subject",
    "Add a clear Subject line, e.g. \"Application update - Your Name\"." },
  [MG_RULE_AFTER_RANK_DEADLINE] = {
    "after-rank-deadline", MG_SEVERITY_INFO, FALSE,
    "interest or update after the rank list deadline",
    "Rank lists are already certified; this message can no longer change a ranking." },
  [MG_RULE_TOO_LONG] = {
    "too-long", MG_SEVERITY_INFO, FALSE,
    "a long message",
    "Shorten the message: programs read many emails, and a brief, specific note is read." },
};

const mg_rule_info_t *
mg_rule_info (mg_rule_id_t rule)
{
  g_return_val_if_fail (rule < MG_RULE_COUNT, NULL);
  return &rules[rule];
}

gboolean
mg_rule_from_name (const char *name, mg_rule_id_t *rule)
{
  int i;

  for (i = 0; i < MG_RULE_COUNT; i++)
    if (g_strcmp0 (rules[i].name, name) == 0)
      {
        *rule = (mg_rule_id_t) i;
        return TRUE;
      }
  return FALSE;
}

static const char *const severity_names[] = { "off", "info", "warn", "block" };

const char *
mg_severity_name (mg_severity_t severity)
{
  g_return_val_if_fail (severity <= MG_SEVERITY_BLOCK, "off");
  return severity_names[severity];
}

gboolean
mg_severity_from_name (const char *name, mg_severity_t *severity)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (severity_names); i++)
    if (g_strcmp0 (severity_names[i], name) == 0)
      {
        *severity = (mg_severity_t) i;
        return TRUE;
      }
  return FALSE;
}

/* --- building blocks --------------------------------------------------- */

/* "#1", "# 1", "no. 1", "number one", "1st", "first" */
#define FIRST "(?:#\\s?1|no\\.? ?1|number[ -](?:one|1)|1st|first)"
/* up to six words (no punctuation between them): the object of "rank" */
#define SLOT "(?:[\\w'./&-]+ ){0,6}?"
/* up to four words between the applicant and the verb: "i have decided to" */
#define AUX "(?:[a-z']+ ){0,4}?"
/* the applicant, then a form of "rank" that is not "rank me" */
#define I_RANK "\\bi " AUX "(?:(?<!was |were |am |been |be |get |got |being )ranked|ranking|rank) (?!me\\b)"
/* what may not follow "rank ... first": "first in my class", "first priority" */
#define NOT_RANK_LIST "(?! (?:round|year|time|step|priority|author|authorship|rotation|place|prize" \
  "|(?:in|among|out of|at) (?:my|the|our|a|his|her) (?!rank|list|nrmp|final|certified|match)))"
/* a word that may not follow a bare "#1" ("my #1 priority") */
#define NOT_A_NOUN "(?! (?!on |in |for |and |because |as |of |-)[a-z])"
/* "my (clear) #1 / top choice / first choice / number one pick" */
#define MY_FIRST \
  "\\bmy (?:clear |true |absolute |definite |undisputed |unequivocal |very |single |only |one and only )?" \
  "(?:(?:" FIRST "|top)[ -](?:choice|pick|preference|choice program|program|option)(?!s)\\b" \
  "|(?:#\\s?1|number[ -](?:one|1)|no\\.? ?1)" NOT_A_NOUN ")"
/* the program as seen from the applicant */
#define YOU "(?:you|your (?:program|residency|residency program|department|team)|it)"
/* the interview that already took place */
#define INTERVIEW_PAST "(?:the|my|our|today's|yesterday's|recent|virtual) (?:interview|interview day)"

/* --- phrase sets ------------------------------------------------------- */

/* One pattern and its required words: at least one of them occurs in
 * every match, so where none does the pattern is neither run nor even
 * compiled (most patterns cannot match most messages, and finding that
 * out with PCRE was most of what phrase matching cost).  The words are
 * what mg_phrase_required_words() derives from the pattern; the unit
 * tests check that they stay so and print the line to use when a pattern
 * changes.  ALWAYS: nothing is required, the pattern always runs. */
typedef struct {
  const char *pattern;
  const char *const *words;   /* NULL-terminated, or NULL (ALWAYS) */
} mg_phrase_source_t;

#define WORDS(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define ALWAYS NULL

/* A set is a list of patterns ended by { NULL, NULL }. */
static const mg_phrase_source_t intent_first[] = {
  { I_RANK SLOT FIRST "\\b" NOT_RANK_LIST,
    WORDS ("ranked ", "ranking ", "rank ") },
  { I_RANK SLOT "(?:at the (?:very )?top|on top)\\b",
    WORDS ("ranked ", "ranking ", "rank ") },
  { "\\b(?:is|are|remains|remain|will be|will remain|has become|have become|becomes|as)"
      "(?:(?: [\\w'-]+){1,4}?|, [^,.;!?\\n]{1,40},)? " MY_FIRST,
    WORDS (" my ") },
  { "\\bi (?:consider|regard|see) " SLOT "(?:as |to be )?" MY_FIRST,
    WORDS ("i consider ", "i regard ", "i see ") },
  { MY_FIRST " (?:is|will be|remains) " YOU "\\b",
    WORDS ("my ") },
  /* "my first choice is Pinecrest IR"; not "my #1 is still open" */
  { MY_FIRST " (?:is|will be|remains) (?!not\\b|still\\b|undecided|unclear|uncertain|yet\\b|open\\b|a (?:difficult|hard|tough))[a-z]",
    WORDS ("my ") },
  /* "I will place it at #1", "I am going to put you at the top" */
  { "\\bi " AUX "(?:place|put|list|placing|putting|listing) " SLOT "(?:at|as) (?:#\\s?1|number[ -](?:one|1)|no\\.? ?1|the (?:very )?top)\\b" NOT_RANK_LIST,
    WORDS ("place ", "put ", "list ", "placing ", "putting ", "listing ") },
  { "[-,(] ?" MY_FIRST " ?[-,)]",
    WORDS ("my ") },
  { "\\b" FIRST "(?: (?:program|programme|choice|one|name|entry|spot|place|position))? (?:on|of|in) my (?:rank(?:ing)? |rank order |final |nrmp |certified )?(?:list|rol)\\b",
    WORDS ("list", "rol") },
  { "\\b(?<!programs |choices |options |ones |few )(?:at|to|on) the (?:very )?top of my (?:rank(?:ing)? |rank order |final |nrmp |certified )?(?:list|rol)\\b",
    WORDS ("top of my ") },
  { "\\b(?:will (?:certainly |definitely |surely )?be|is|has been|are|being) ranked (?:" FIRST "|at the top)\\b(?! by)",
    WORDS (" ranked ") },
  { NULL, NULL }
};

static const mg_phrase_source_t intent_strong[] = {
  { "\\b(?:among|amongst|one of) my (?:very )?(?:top|first|favorite|favourite|leading|highest|most preferred) "
      "(?:choices|programs|programmes|options|picks|few|handful|two|three|four|five|[2-5])\\b",
    WORDS ("among my ", "amongst my ", "one of my ") },
  { "\\bone of my (?:very )?(?:top|first) (?:choices|programs|picks|options)\\b",
    WORDS ("one of my very top choices", "one of my very top programs", "one of my very top picks", "one of my very top options", "one of my very first choices", "one of my very first programs", "one of my very first picks", "one of my very first options", "one of my top choices", "one of my top programs", "one of my top picks", "one of my top options", "one of my first choices", "one of my first programs", "one of my first picks", "one of my first options") },
  { "\\b(?:among|amongst|one of) the (?:top|first) (?:choices|programs|few|two|three|[2-5]) (?:on|of) my (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
    WORDS ("among the top ", "among the first ", "amongst the top ", "amongst the first ", "one of the top ", "one of the first ") },
  { "\\b(?:programs|choices|options|ones|few) (?:at|near|toward|towards) the (?:very )?top of my (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
    WORDS ("top of my ") },
  { "\\b(?:near|close to) the top of my (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
    WORDS ("near the top of my ", "close to the top of my ") },
  { "\\bin my top (?:few|two|three|four|five|[2-5]|tier)\\b",
    WORDS ("in my top ") },
  { "\\b(?:top|first) (?:few|two|three|four|five|[2-5]) (?:programs |choices )?(?:on|of) my (?:rank )?list\\b",
    WORDS ("list") },
  { NULL, NULL }
};

static const mg_phrase_source_t intent_interest[] = {
  { I_RANK SLOT "(?:very |extremely |quite |really )?high(?:ly)?\\b",
    WORDS ("high") },
  { "\\b(?:rank|ranking) " YOU " (?:very |extremely )?high(?:ly)?\\b",
    WORDS ("high") },
  { "\\bhigh on my (?:rank(?:ing)? |rank order )?list\\b",
    WORDS ("high on my ranking list", "high on my rank list", "high on my rank order list", "high on my list") },
  { "\\b(?:will|would|is going to) (?:certainly |definitely |surely |still )?be ranked (?:very |extremely |quite |really )?high(?:ly)?\\b",
    WORDS ("be ranked ") },
  { "\\b(?:very|highly|extremely|deeply|genuinely|sincerely|truly|really|particularly|still|remain|remains) interested in\\b",
    WORDS (" interested in") },
  { "\\b(?:am|are) interested in (?:your|the|training|joining|matching|being|you|this)\\b",
    WORDS (" interested in ") },
  { "\\b(?:strong|strongest|keen|continued|sincere|genuine|great|deep) interest in\\b",
    WORDS (" interest in") },
  { "\\b(?:would|will) be (?:thrilled|honored|honoured|delighted|excited|very happy|happy|proud|grateful) to "
      "(?:train|match|join|be part|become a resident|continue my training)\\b",
    WORDS ("thrilled to ", "honored to ", "honoured to ", "delighted to ", "excited to ", "happy to ", "proud to ", "grateful to ") },
  { "\\bsee myself training (?:here|at|with|in)\\b",
    WORDS ("see myself training ") },
  { NULL, NULL }
};

/* Cues that, before a match in the same clause, make it not a statement. */
static const mg_phrase_source_t negation[] = {
  { "\\b(?:not|never|no longer|yet to|undecided|unsure|uncertain|cannot|can not|nor|neither"
      "|still deciding|still considering|instead of)\\b",
    WORDS ("not", "never", "no longer", "yet to", "undecided", "unsure", "uncertain", "nor", "neither", "still deciding", "still considering", "instead of") },
  { NULL, NULL }
};

/* Idioms that hold a negation word but affirm: "I cannot wait to tell you",
 * "I could not be more certain", "not only". */
static const mg_phrase_source_t affirming_idiom[] = {
  { "\\b(?:cannot|can not|could not|couldn't) (?:wait|be (?:more|happier|prouder)|stress enough|emphasize enough"
      "|overstate|imagine a better|think of a better|ask for (?:a )?(?:better|more))\\b",
    WORDS ("wait", "be more", "be happier", "be prouder", "stress enough", "emphasize enough", "overstate", "imagine a better", "think of a better", "ask for a better", "ask for a more", "ask for better", "ask for more") },
  { "\\bnot only\\b",
    WORDS ("not only") },
  { "\\bnever (?:been more|felt more|more)\\b",
    WORDS ("never been more", "never felt more", "never more") },
  { "\\bno (?:doubt|question)\\b",
    WORDS ("no doubt", "no question") },
  { NULL, NULL }
};

/* Cues that make a statement hypothetical: they cancel an intent level
 * (a question or a condition states nothing), but not a request, which
 * is often phrased as one ("would it be possible to reschedule"). */
static const mg_phrase_source_t hypothetical[] = {
  { "\\b(?:whether|if|unless|hypothetically|wonder|wondering|should i|do you think|would it|is it ok"
      "|is it appropriate|in case|even though|decide|deciding|choose|choosing|determine|determining"
      "|figure out|figuring out)\\b",
    WORDS ("whether", "if", "unless", "hypothetically", "wonder", "should i", "do you think", "would it", "is it ok", "is it appropriate", "in case", "even though", "decide", "deciding", "choose", "choosing", "determine", "determining", "figure out", "figuring out") },
  { NULL, NULL }
};

/* Cues right after a match that take it back ("my #1 is still open"). */
static const mg_phrase_source_t negation_after[] = {
  { "^ (?:is|remains|will be|has) (?:not|still|undecided|unclear|uncertain|yet|open)\\b",
    WORDS ("not", "still", "undecided", "unclear", "uncertain", "yet", "open") },
  { NULL, NULL }
};

/* Words that start a new clause inside a sentence: a negation before them
 * does not reach past them ("I have not decided everything, but you are
 * my #1"). */
static const mg_phrase_source_t clause_break[] = {
  { "(?:,|\\b) ?(?:but|however|although|though|whereas|and)\\b|, | - ",
    WORDS ("but", "however", "though", "whereas", "and", ", ", " - ") },
  { NULL, NULL }
};

/* A trade of rank positions: intent that is conditional on the program. */
static const mg_phrase_source_t conditional_trade[] = {
  { "\\bif\\b[^.?!\\n]{0,50}\\b(?:rank|ranks|match|matches|offer|offers|guarantee|guarantees|promise|promises"
      "|commit|commits|assure|assures) me\\b[^.?!\\n]{0,80}?\\bi " AUX "rank\\b",
    WORDS ("rank") },
  { I_RANK "[^.?!\\n]{0,60}?\\b(?:if|as long as|provided that|in exchange for|in return for|on the condition that)\\b"
      "[^.?!\\n]{0,50}\\b(?:rank|ranks|match|matches|offer|offers|guarantee|guarantees|promise|promises) me\\b",
    WORDS ("ranked ", "ranking ", "rank ") },
  { "\\b(?:in exchange|in return) (?:for|of)\\b[^.?!\\n]{0,60}\\b(?:rank|ranking)\\b",
    WORDS ("in exchange ", "in return ") },
  { NULL, NULL }
};

static const mg_phrase_source_t kind_reschedule[] = {
  { "\\b(?:possible|could|can|may|would like|need|must|have to|request|requesting|ask|asking|hoping|hope|wonder|wondering|able)"
      "\\b[^.?!\\n]{0,60}\\b(?:re-?schedul\\w*|move|change|postpone|push back|switch|swap)\\b[^.?!\\n]{0,30}\\binterview",
    WORDS ("interview") },
  { "\\binterview\\b[^.?!\\n]{0,40}\\b(?:could|can|might|may) be (?:re-?scheduled|moved|changed|postponed)\\b",
    WORDS ("interview") },
  { "\\brequest(?:ing)? to re-?schedule\\b",
    WORDS ("schedule") },
  { "\\b(?:could|can|might|may) my interview (?:date )?(?:be )?(?:re-?scheduled|moved|changed|postponed|pushed back)\\b",
    WORDS (" my interview ") },
  { NULL, NULL }
};

static const mg_phrase_source_t kind_scheduling[] = {
  { "\\bi (?:am |would like to |want to |wish to |hereby )?(?:happy |pleased |glad |writing )?(?:to )?"
      "(?:confirm|accept)\\b[^.?!\\n]{0,30}\\b(?:interview|invitation|attendance|availability|slot|participation)\\b",
    WORDS ("confirm", "accept") },
  { "\\b(?:confirming|accepting) (?:my|the|your) (?:interview|invitation|attendance|slot)\\b",
    WORDS ("confirming ", "accepting ") },
  { "\\b(?:decline|withdraw|cancel)\\w*\\b[^.?!\\n]{0,30}\\b(?:interview|invitation)\\b",
    WORDS ("interview", "invitation") },
  { "\\bi (?:have )?(?:selected|booked|chosen|signed up for|scheduled) (?:an? |the |my )?(?:interview )?(?:date|slot|time)\\b",
    WORDS ("selected", "booked", "chosen", "signed up for", "scheduled") },
  { NULL, NULL }
};

static const mg_phrase_source_t kind_thanks[] = {
  { "\\b(?:thank you|thanks|thank-you|grateful|gratitude|appreciate|appreciated)\\b",
    WORDS ("thank you", "thanks", "thank-you", "grateful", "gratitude", "appreciate") },
  { NULL, NULL }
};

/* A reference to the interview that already took place (for thank-you). */
static const mg_phrase_source_t kind_interview_ref[] = {
  { "\\b" INTERVIEW_PAST "\\b",
    WORDS ("interview") },
  { "\\binterview(?:ing)? (?:me|with (?:you|your|the program|the team)|at (?:your|the))\\b",
    WORDS ("interview") },
  { "\\b(?:speak|speaking|spoke|talk|talking|talked|meet|meeting|met|chat|chatting) with me\\b",
    WORDS ("speak with me", "speaking with me", "spoke with me", "talk with me", "talking with me", "talked with me", "meet with me", "meeting with me", "met with me", "chat with me", "chatting with me") },
  { "\\b(?:to|for) (?:speak|talk|meet) with me\\b",
    WORDS ("speak", "talk", "meet") },
  { "\\b(?:our|the) (?:conversation|discussion|chat|meeting|talk)\\b",
    WORDS ("conversation", "discussion", "chat", "meeting", "talk") },
  { "\\b(?:hosting|having) me\\b",
    WORDS ("hosting me", "having me") },
  { "\\b(?:opportunity|chance) to interview\\b",
    WORDS (" to interview") },
  { "\\binterview day\\b",
    WORDS ("interview day") },
  /* "during my Pinecrest IR interview", "at my interview yesterday" */
  { "\\b(?:during|at|after|from|in) my (?:[\\w'-]+ ){0,4}?interview\\b(?! (?:invitation|invite|offer|date|slot|request))",
    WORDS ("interview") },
  { "\\binterview (?:yesterday|today|this (?:morning|afternoon|week)|last (?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\\b",
    WORDS ("interview ") },
  { "\\b(?:second look|open house)\\b",
    WORDS ("second look", "open house") },
  { NULL, NULL }
};

static const mg_phrase_source_t kind_update[] = {
  { "\\b(?:has|have) (?:just |recently |now |also |finally )?been (?:accepted|published|selected|awarded|elected|invited|chosen|released|certified|approved)\\b",
    WORDS ("accepted", "published", "awarded", "elected", "invited", "chosen", "released", "certified", "approved") },
  { "\\b(?:was|were) (?:just |recently )?(?:accepted|published|selected|awarded|elected|released|approved)\\b",
    WORDS ("accepted", "published", "awarded", "elected", "released", "approved") },
  { "\\bi (?:have |had )?(?:just |recently |now |also |successfully |finally )?"
      "(?:passed|completed|finished|published|presented|won|secured|been awarded|been elected|been selected|been accepted|been certified|become certified)\\b",
    WORDS ("passed", "completed", "finished", "published", "presented", "won", "secured", "been awarded", "been elected", "been selected", "been accepted", "been certified", "become certified") },
  { "\\bi (?:have |had )?(?:just |recently |now |also |finally )?(?:received|obtained|earned|got)\\b[^.?!\\n]{0,20}"
      "\\b(?:ecfmg|certification|certificate|visa|green card|license|licence|award|grant|degree|score|result|results|acceptance)\\b",
    WORDS ("ecfmg", "certification", "certificate", "visa", "green card", "license", "licence", "award", "grant", "degree", "score", "result", "acceptance") },
  { "\\b(?:step (?:1|2|3|one|two|three)|usmle|comlex|ck|cs)\\b[^.?!\\n]{0,30}\\b(?:score|scores|result|results)\\b",
    WORDS ("score", "result") },
  { "\\bscore (?:of|was|is) \\d",
    WORDS ("score ") },
  { "\\b(?:share|sharing|inform you|let you know|update you|report)\\b[^.?!\\n]{0,40}\\b(?:update|news|accepted|published|score|passed"
      "|completed|certification|certified|publication|abstract|manuscript|observership|rotation|award|elected)\\b",
    WORDS ("share", "sharing", "inform you", "let you know", "update you", "report") },
  { "\\b(?:an update|updates|update) (?:to|on|regarding|about) my application\\b",
    WORDS (" my application") },
  { "\\bapplication update\\b",
    WORDS ("application update") },
  { "\\bupdate you (?:on|about|regarding)\\b",
    WORDS ("update you ") },
  { "\\b(?:certificate|certification|visa|license|licence|score|scores|result|results)\\b[^.?!\\n]{0,20}"
      "\\b(?:was|were|has been|have been|is now) (?:issued|granted|approved|released|posted|received|available)\\b",
    WORDS ("issued", "granted", "approved", "released", "posted", "received", "available") },
  { "\\bissued my (?:certificate|certification|visa|license|licence)\\b",
    WORDS ("issued my certificate", "issued my certification", "issued my visa", "issued my license", "issued my licence") },
  { "\\b(?:am|are) now (?:eligible|certified|licensed|board-eligible)\\b",
    WORDS ("eligible", "certified", "licensed") },
  { "\\b(?:co-?authored|authored|published|presented)\\b[^.?!\\n]{0,30}"
      "\\b(?:papers?|articles?|abstracts?|posters?|manuscripts?|case reports?|studies|study|chapters?)\\b",
    WORDS ("authored", "published", "presented") },
  { "\\b(?:papers?|articles?|abstracts?|manuscripts?|case reports?|posters?) (?:was |were |have been |has been |had been )?"
      "(?:accepted|published)\\b",
    WORDS ("accepted", "published") },
  { "\\b(?:had|have) (?:two|three|four|five|\\d|several|my|a|an|one) (?:new )?(?:papers?|articles?|abstracts?|manuscripts?) accepted\\b",
    WORDS (" accepted") },
  { "\\bupdated (?:publication list|list of publications)\\b",
    WORDS ("updated ") },
  { "\\bupdated (?:cv|curriculum vitae|resume|personal statement|eras)\\b",
    WORDS ("updated ") },
  { "\\bnow (?:available|visible|uploaded|reflected) in (?:my )?eras\\b",
    WORDS ("now available in ", "now visible in ", "now uploaded in ", "now reflected in ") },
  { NULL, NULL }
};

static const mg_phrase_source_t kind_inquiry[] = {
  { "\\?",
    WORDS ("?") },
  { "\\bi (?:wanted|would like|am writing|write|wish) to (?:ask|inquire|enquire|know)\\b",
    WORDS ("i wanted to ", "i would like to ", "i am writing to ", "i write to ", "i wish to ") },
  { "\\bi (?:was|am) wondering\\b",
    WORDS (" wondering") },
  { "\\bcould you (?:please |kindly )?(?:tell|let me know|confirm|clarify|advise|share|explain)\\b",
    WORDS ("tell", "let me know", "confirm", "clarify", "advise", "share", "explain") },
  { "\\bdo you (?:know|sponsor|accept|offer|consider|have)\\b",
    WORDS ("do you ") },
  { "\\bdoes (?:your|the) (?:program|department|institution)\\b",
    WORDS ("program", "department", "institution") },
  { NULL, NULL }
};

static const mg_phrase_source_t rank_inquiry[] = {
  { "\\b(?:where|how high(?:ly)?|whether)\\b[^.?!\\n]{0,40}\\b(?:you|your program|the program|the committee|your committee"
      "|the selection committee|your team)\\b[^.?!\\n]{0,40}\\b(?:rank|ranked|ranking) me\\b",
    WORDS ("where", "how high", "whether") },
  { "\\b(?:tell me|let me know|inform me|share with me|ask you|asking you|know)\\b[^.?!\\n]{0,10}\\b(?:if|whether|where|how high(?:ly)?)\\b"
      "[^.?!\\n]{0,40}\\b(?:rank|ranked|ranking) me\\b",
    WORDS ("rank me", "ranked me", "ranking me") },
  { "\\b(?:will|would|do|are|could|can|might) you (?:[\\w'-]+ ){0,3}?(?:rank|ranking) me\\b",
    WORDS ("rank me", "ranking me") },
  { "\\b(?:place|placed|placing|put|putting) me (?:on|at|in) (?:your|the program's|the) (?:rank(?: order)? list|rol)\\b",
    WORDS ("rank order list", "rank list", "rol") },
  { "\\b(?:where|how high(?:ly)?|whether|if)\\b[^.?!\\n]{0,20}\\bi (?:will|would|am going to|might|could|may|am likely to) be ranked\\b",
    WORDS (" be ranked") },
  { "\\b(?:will|would|am|could|might) i be ranked\\b",
    WORDS (" i be ranked") },
  { "\\bam i (?:going to be |likely to be )?(?:ranked|on your (?:rank(?: order)? )?list)\\b",
    WORDS ("ranked", "list") },
  { "\\bwhere (?:do|would|will|might|could) i (?:stand|fall|fit|rank|land|be)\\b[^.?!\\n]{0,30}\\b(?:rank|list|rol)\\b",
    WORDS ("where ") },
  /* "could you share where I might fall on your list" */
  { "\\bwhere i (?:[a-z']+ ){0,2}?(?:stand|fall|fit|land|be|rank|place|am)\\b[^.?!\\n]{0,30}\\b(?:your|the program's) (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
    WORDS ("where i ") },
  { "\\b(?:whether|if) (?:my name|i|my application) (?:will|would|is going to|might|is|am) (?:be |appear |feature )?(?:in|on) (?:your|the program's) (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
    WORDS ("list", "rol") },
  { "\\b(?:am i|is my name|will i be|will my name be) (?:on|in) your (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
    WORDS ("list", "rol") },
  { "\\bmy (?:position|place|spot|standing|rank|ranking) on (?:your|the program's|the programs|the) (?:rank(?:ing)?|list|rol|rank order list)\\b",
    WORDS ("my position on ", "my place on ", "my spot on ", "my standing on ", "my rank on ", "my ranking on ") },
  { "\\bhow (?:highly|high|likely)\\b[^.?!\\n]{0,40}\\b(?:i will be|i would be|i am|i'll be) (?:ranked|placed)\\b",
    WORDS ("how high", "how likely") },
  { NULL, NULL }
};

static const mg_phrase_source_t commitment[] = {
  { "\\bi (?:hereby |will |would |can |am ready to |am willing to |promise to |want to |would like to )?commit "
      "(?:myself )?to (?:sign|signing|accept|accepting|join|joining|come|coming|attend|attending|your program|you|the position|a position|an offer|your offer)\\b",
    WORDS ("commit ") },
  { "\\b(?:accept|accepting|sign|signing|take|taking)\\b[^.?!\\n]{0,30}\\b(?:pre-?match|early|outside(?: of)? the match) "
      "(?:offer|position|contract|commitment|agreement)\\b",
    WORDS ("pre-match", "prematch", "early", "outside") },
  { "\\b(?:sign|signing)\\b[^.?!\\n]{0,40}\\b(?:contract|agreement)\\b[^.?!\\n]{0,40}\\b(?:before|prior to|outside(?: of)?) (?:the )?match(?: day)?\\b",
    WORDS ("contract", "agreement") },
  { "\\bi (?:will|would|can|could) (?:gladly |happily |immediately |readily )?accept (?:an?|your|the) (?:offer|position)\\b"
      "[^.?!\\n]{0,40}\\b(?:before|outside(?: of)?|prior to) (?:the )?match\\b",
    WORDS ("before the match", "before match", "outside of the match", "outside of match", "outside the match", "outside match", "prior to the match", "prior to match") },
  { "\\bi " AUX "withdraw(?:ing)? (?:my application )?from the match\\b",
    WORDS ("from the match") },
  { "\\b(?:pre-?match (?:offer|position|contract|agreement)|early (?:offer|commitment|contract)"
      "|outside(?: of)? the match|before (?:the )?match(?: day)?)\\b[^.?!\\n]{0,60}\\bi (?:would|will|can|am ready to|am willing to|am happy to) "
      "(?:gladly |happily |immediately |readily |certainly )?(?:accept|sign|commit|take it)\\b",
    WORDS ("pre-match ", "prematch ", "early offer", "early commitment", "early contract", "outside", "before the match", "before match") },
  { "\\bi (?:will|would|can|am ready to|am willing to|promise to) (?:[\\w'-]+ ){0,3}?(?:sign|accept|commit)\\b"
      "[^.?!\\n]{0,40}\\b(?:before|prior to|outside(?: of)?) (?:the )?match(?: day)?\\b",
    WORDS ("before the match", "before match", "prior to the match", "prior to match", "outside of the match", "outside of match", "outside the match", "outside match") },
  { "\\bi (?:will|would|can) (?:promise|guarantee) (?:you )?(?:that )?(?:i will )?rank\\b[^.?!\\n]{0,40}\\bif\\b",
    WORDS ("promise", "guarantee") },
  { NULL, NULL }
};

static const mg_phrase_source_t status_inquiry[] = {
  { "\\b(?:have|has) (?:you|the (?:program|committee|selection committee|residency office)|anyone|your (?:team|committee|office)) "
      AUX "(?:seen|reviewed|received|looked at|looked over|read|considered|gone through|gone over|evaluated|had (?:a|the) (?:chance|opportunity) to)"
      "\\b[^.?!\\n]{0,30}\\bmy (?:application|file|eras|candidacy)\\b",
    WORDS ("my application", "my file", "my eras", "my candidacy") },
  { "\\b(?:whether|if) (?:you|the (?:program|committee|selection committee)|anyone|your (?:team|committee|office)) (?:have|has) "
      AUX "(?:seen|reviewed|received|looked at|read|considered|gone through|evaluated|had (?:a|the) (?:chance|opportunity) to)"
      "\\b[^.?!\\n]{0,30}\\bmy (?:application|file|eras|candidacy)\\b",
    WORDS ("my application", "my file", "my eras", "my candidacy") },
  { "\\b(?:any|is there an?) (?:update|updates|news|word|information|decision)\\b[^.?!\\n]{0,20}\\b(?:on|about|regarding|concerning|with) "
      "(?:the status of )?my (?:application|candidacy|file)\\b",
    WORDS ("application", "candidacy", "file") },
  { "\\b(?:what is|inquire|inquiring|enquire|enquiring|ask|asking|check|checking|know|learn|wonder|wondering|curious|follow(?:ing)? up)"
      "\\b[^.?!\\n]{0,40}\\b(?:(?:status|progress) of my (?:application|candidacy)|my application(?:'s)? status)\\b",
    WORDS ("application", "candidacy") },
  { "\\b(?:whether|if) my (?:application|file|eras application) (?:has|had) (?:already |yet |actually |even )?been (?:received|reviewed|seen|considered|looked at|read)\\b",
    WORDS ("application", "file") },
  { "\\bhas my application\\b[^.?!\\n]{0,40}\\b(?:been|already been) (?:reviewed|seen|received|considered|looked at|read)\\b",
    WORDS ("has my application") },
  { "\\b(?:was|is) my application (?:reviewed|being reviewed|under review|received|being considered|still under consideration)\\b",
    WORDS (" my application ") },
  { "\\bwhen (?:can|will|should|might|may) i (?:expect to )?(?:hear|receive|get|know)\\b[^.?!\\n]{0,30}"
      "\\b(?:back|decision|interview|invitation|news|update|from you)\\b",
    WORDS ("when ") },
  { NULL, NULL }
};

static const mg_phrase_source_t tone_emotional[] = {
  { "\\bdream (?:program|programme|residency|job|school|place|institution|hospital|come true)\\b",
    WORDS ("dream program", "dream residency", "dream job", "dream school", "dream place", "dream institution", "dream hospital", "dream come true") },
  { "\\b(?:program|programme|residency|place|job|institution|hospital) of my dreams\\b",
    WORDS ("program of my dreams", "programme of my dreams", "residency of my dreams", "place of my dreams", "job of my dreams", "institution of my dreams", "hospital of my dreams") },
  { "\\b(?:this|your|the) (?:program|programme|residency) (?:is|has always been|has been|was) my (?:ultimate |only |biggest |lifelong |life-long )?dream\\b",
    WORDS ("program", "residency") },
  { "\\bi (?:really |truly |desperately )?need this (?:chance|opportunity|spot|position|interview)\\b",
    WORDS ("need this ") },
  { "\\bmy (?:entire |whole )?(?:family|parents|village|community) (?:is|are) (?:counting|depending|relying) on\\b",
    WORDS ("counting", "depending", "relying") },
  { "\\b(?:please|kindly)(?:,? please)?,? give me (?:a|one|this|an|the) (?:chance|opportunity|shot)\\b",
    WORDS ("please, give me ", "please give me ", "kindly, give me ", "kindly give me ") },
  { "\\bgive me (?:a|one|one last|just one|one more) (?:chance|shot)\\b",
    WORDS ("give me a chance", "give me a shot", "give me one chance", "give me one shot", "give me one last chance", "give me one last shot", "give me just one chance", "give me just one shot", "give me one more chance", "give me one more shot") },
  { "\\bmy (?:entire|whole) (?:life|future|career|family|world|existence)\\b[^.?!\\n]{0,20}\\b(?:depends|depend|rests|hinges|relies)\\b",
    WORDS ("my entire life", "my entire future", "my entire career", "my entire family", "my entire world", "my entire existence", "my whole life", "my whole future", "my whole career", "my whole family", "my whole world", "my whole existence") },
  { "\\b(?:depends|rests|hinges) (?:entirely |completely )?on your decision\\b",
    WORDS ("on your decision") },
  { "\\bi (?:am )?beg(?:ging)?(?: of)? you\\b",
    WORDS ("beg") },
  { "\\bi am begging\\b",
    WORDS ("i am begging") },
  { "\\bi implore you\\b",
    WORDS ("i implore you") },
  { "\\bhave mercy\\b",
    WORDS ("have mercy") },
  { "\\bplease,? please\\b",
    WORDS ("please, please", "please please") },
  { "\\bi am desperate\\b",
    WORDS ("i am desperate") },
  { "\\bi (?:[a-z]+ )?desperately\\b",
    WORDS ("desperately") },
  { "\\b(?:my|this is my) (?:last|only|final) (?:chance|hope)\\b",
    WORDS ("my last chance", "my last hope", "my only chance", "my only hope", "my final chance", "my final hope") },
  { "\\bi (?:will|would) do anything\\b",
    WORDS (" do anything") },
  { "\\bi (?:pray|am praying|will pray)\\b",
    WORDS ("i pray", "i am praying", "i will pray") },
  { "\\bi (?:am|was|would be|will be|feel|felt) (?:heartbroken|devastated|crushed|in tears)\\b",
    WORDS ("heartbroken", "devastated", "crushed", "in tears") },
  { NULL, NULL }
};

/* Speaks of the program's integrated IR residency (wrong for dr-esir). */
static const mg_phrase_source_t track_integrated[] = {
  { "\\byour (?:(?!no |not |without |lacks? )[\\w/-]+ ){0,2}?(?:integrated|categorical) (?:ir|interventional radiology|vascular and interventional radiology)\\b",
    WORDS ("integrated ", "categorical ") },
  { "\\b(?:integrated|categorical) (?:ir|interventional radiology) (?:residency|program|programme|position|track) (?:at|with|in) your\\b",
    WORDS ("integrated ", "categorical ") },
  { NULL, NULL }
};

/* Speaks of the program's ESIR track (wrong for ir-integrated). */
static const mg_phrase_source_t track_esir[] = {
  { "\\byour (?:(?!no |not |without |lacks? )[\\w/-]+ ){0,3}?(?:esir|early specialization in (?:ir|interventional radiology))\\b",
    WORDS ("esir", "early specialization in ") },
  { "\\b(?:esir|early specialization in (?:ir|interventional radiology)) (?:track|pathway|program|programme|position) (?:at|with|in) your\\b",
    WORDS ("esir track ", "esir pathway ", "esir program ", "esir programme ", "esir position ", "early specialization in ir track ", "early specialization in ir pathway ", "early specialization in ir program ", "early specialization in ir programme ", "early specialization in ir position ", "early specialization in interventional radiology track ", "early specialization in interventional radiology pathway ", "early specialization in interventional radiology program ", "early specialization in interventional radiology programme ", "early specialization in interventional radiology position ") },
  { NULL, NULL }
};

/* A greeting at the start of the first authored line; group 1 is what
 * follows the greeting word. */
static const mg_phrase_source_t greeting[] = {
  { "^(?:(?:dear )?respected|dear|hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening|day)|to whom it may concern)\\b(.*)$",
    WORDS ("respected", "dear", "hi", "hello", "hey", "greetings", "good morning", "good afternoon", "good evening", "good day", "to whom it may concern") },
  { NULL, NULL }
};

/* Template wording left in the text.  Brackets and single braces count
 * only with template words inside (see mg_placeholder_words); these
 * always count. */
static const mg_phrase_source_t placeholder[] = {
  { "\\{\\{[^{}\\n]{0,80}\\}\\}",
    WORDS ("{{") },
  { "<<[^<>\\n]{1,80}>>",
    WORDS ("<<") },
  { "(?<![\\w-])x{4,}(?![\\w-])",
    WORDS ("x") },
  { "\\binsert (?:[\\w']+ ){0,3}here\\b",
    WORDS ("insert ") },
  { NULL, NULL }
};

/* Bracketed or single-braced text; group 1 is the inside. */
static const mg_phrase_source_t bracketed[] = {
  { "\\[([^\\[\\]\\n]{1,80})\\]",
    WORDS ("[") },
  { "(?<!\\{)\\{([^{}\\n]{1,60})\\}(?!\\})",
    WORDS ("{") },
  { NULL, NULL }
};

/* "AAMC ID: 1472 9036", "ERAS ID 14729036", "AAMC #14729036",
 * "my AAMC ID number is 14729036"; group 1 holds the 8 digits, possibly
 * grouped by spaces or hyphens. */
static const mg_phrase_source_t applicant_id[] = {
  { "\\b(?:aamc|eras)(?: ?/ ?(?:aamc|eras))*(?:[ -]?(?:id|identifier|identification|number|no\\.?|#))*(?: number)?(?: is)?"
      "[ :#.=(-]{0,3}(?<![\\d])(\\d(?:[ -]?\\d){7})(?![ -]?\\d)",
    WORDS ("aamc", "eras") },
  { NULL, NULL }
};

static const mg_phrase_source_t *const phrase_sets[MG_PHRASES_COUNT] = {
  [MG_PHRASES_INTENT_FIRST] = intent_first,
  [MG_PHRASES_INTENT_STRONG] = intent_strong,
  [MG_PHRASES_INTENT_INTEREST] = intent_interest,
  [MG_PHRASES_NEGATION] = negation,
  [MG_PHRASES_HYPOTHETICAL] = hypothetical,
  [MG_PHRASES_AFFIRMING_IDIOM] = affirming_idiom,
  [MG_PHRASES_NEGATION_AFTER] = negation_after,
  [MG_PHRASES_CLAUSE_BREAK] = clause_break,
  [MG_PHRASES_CONDITIONAL_TRADE] = conditional_trade,
  [MG_PHRASES_KIND_RESCHEDULE] = kind_reschedule,
  [MG_PHRASES_KIND_SCHEDULING] = kind_scheduling,
  [MG_PHRASES_KIND_THANKS] = kind_thanks,
  [MG_PHRASES_KIND_INTERVIEW_REF] = kind_interview_ref,
  [MG_PHRASES_KIND_UPDATE] = kind_update,
  [MG_PHRASES_KIND_INQUIRY] = kind_inquiry,
  [MG_PHRASES_RANK_INQUIRY] = rank_inquiry,
  [MG_PHRASES_COMMITMENT] = commitment,
  [MG_PHRASES_STATUS_INQUIRY] = status_inquiry,
  [MG_PHRASES_TONE_EMOTIONAL] = tone_emotional,
  [MG_PHRASES_TRACK_INTEGRATED] = track_integrated,
  [MG_PHRASES_TRACK_ESIR] = track_esir,
  [MG_PHRASES_GREETING] = greeting,
  [MG_PHRASES_PLACEHOLDER] = placeholder,
  [MG_PHRASES_BRACKETED] = bracketed,
  [MG_PHRASES_APPLICANT_ID] = applicant_id,
};

/* --- deriving the required words ----------------------------------------- */

/* The required words of a pattern (the WORDS beside it above): literal
 * strings at least one of which every match contains (for
 * "\\bthank(?:s| you)\\b": "thank"), the rarest few a pattern offers.
 * Derived here rather than at start-up, where it would cost more than the
 * matching it saves; the unit tests compare the two.
 *
 * The derivation reads the subset of PCRE syntax the patterns use and is
 * conservative: whatever it does not understand counts as "any text", and
 * a pattern it cannot constrain gets no list and always runs.  Zero-width
 * parts (\b, ^, $, lookarounds) match the empty string; the literals come
 * only from what a match consumes, so they lie inside the match itself. */

#define NEED_MAX_EXACT 16   /* beyond this many alternatives, stop spelling them out */
#define NEED_MAX_WORDS 32   /* beyond this many required words, require nothing */

/* What a piece of a pattern matches: @exact, every string it can match
 * (when few, else NULL), and @need, strings one of which each match
 * contains (NULL: nothing known beyond @exact). */
typedef struct {
  GPtrArray *exact;
  GPtrArray *need;
} need_info_t;

static GPtrArray *
strings_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static GPtrArray *
strings_of (const char *first)
{
  GPtrArray *set = strings_new ();
  g_ptr_array_add (set, g_strdup (first));
  return set;
}

static GPtrArray *
strings_copy (const GPtrArray *set)
{
  GPtrArray *copy = strings_new ();
  guint i;

  for (i = 0; i < set->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (set, i)));
  return copy;
}

static void
need_info_clear (need_info_t *info)
{
  g_clear_pointer (&info->exact, g_ptr_array_unref);
  g_clear_pointer (&info->need, g_ptr_array_unref);
}

/* An exact set as a requirement: none when it holds the empty string. */
static GPtrArray *
need_of_exact (const GPtrArray *exact)
{
  guint i;

  for (i = 0; i < exact->len; i++)
    if (((const char *) g_ptr_array_index (exact, i))[0] == '\0')
      return NULL;
  return strings_copy (exact);
}

static gsize
shortest (const GPtrArray *set)
{
  gsize best = G_MAXSIZE;
  guint i;

  for (i = 0; i < set->len; i++)
    best = MIN (best, strlen (g_ptr_array_index (set, i)));
  return best;
}

/* Words in nearly every letter: requiring them filters nothing. */
static const char *const common_words[] = {
  "i", "a", "an", "the", "my", "me", "you", "your", "is", "are", "am", "was", "were", "be",
  "been", "has", "have", "had", "will", "would", "can", "could", "to", "of", "in", "on", "at",
  "for", "with", "and", "or", "it", "this", "that", "as", "do", NULL
};

/* How rare @text is: the letters of its words that are neither common
 * words nor fragments shorter than three letters ("m" of "my"). */
static gsize
rarity (const char *text)
{
  gsize score = 0;

  while (*text != '\0')
    {
      const char *start = text;
      const char *const *common;
      gsize len;

      while (g_ascii_isalpha (*text))
        text++;
      len = text - start;
      if (len < 3)
        len = 0;
      for (common = common_words; len > 0 && *common != NULL; common++)
        if (strlen (*common) == len && strncmp (*common, start, len) == 0)
          len = 0;
      score += len;
      if (*text != '\0' && !g_ascii_isalpha (*text))
        text++;
    }
  return score;
}

static gsize
least_rare (const GPtrArray *set)
{
  gsize best = G_MAXSIZE;
  guint i;

  for (i = 0; i < set->len; i++)
    best = MIN (best, rarity (g_ptr_array_index (set, i)));
  return best;
}

/* Is requirement @a a better test than @b?  Rarer words first (up to
 * NEED_RARE_ENOUGH letters of uncommon words), then fewer words to look
 * for, then longer ones.  A pattern run for nothing costs far more than
 * looking for a few more words. */
#define NEED_RARE_ENOUGH 7

static gboolean
need_better (const GPtrArray *a, const GPtrArray *b)
{
  gsize rare_a, rare_b;

  if (a == NULL)
    return FALSE;
  if (b == NULL)
    return TRUE;
  rare_a = MIN (least_rare (a), NEED_RARE_ENOUGH);
  rare_b = MIN (least_rare (b), NEED_RARE_ENOUGH);
  if (rare_a != rare_b)
    return rare_a > rare_b;
  if (a->len != b->len)
    return a->len < b->len;
  return shortest (a) > shortest (b);
}

/* Keeps the better of *@best and @candidate (taken). */
static void need_keep_better (GPtrArray **best, GPtrArray *candidate);

/* The best requirement @info offers. */
static GPtrArray *
need_of (const need_info_t *info)
{
  GPtrArray *best = info->need != NULL ? strings_copy (info->need) : NULL;

  if (info->exact != NULL)
    need_keep_better (&best, need_of_exact (info->exact));
  return best;
}

static void
need_keep_better (GPtrArray **best, GPtrArray *candidate)
{
  if (need_better (candidate, *best))
    {
      if (*best != NULL)
        g_ptr_array_unref (*best);
      *best = candidate;
    }
  else if (candidate != NULL)
    g_ptr_array_unref (candidate);
}

static GPtrArray *
cross (const GPtrArray *a, const GPtrArray *b)
{
  GPtrArray *product = strings_new ();
  guint i, k;

  for (i = 0; i < a->len; i++)
    for (k = 0; k < b->len; k++)
      g_ptr_array_add (product, g_strconcat (g_ptr_array_index (a, i), g_ptr_array_index (b, k), NULL));
  return product;
}

typedef struct {
  const char *p;        /* the next byte of the pattern */
  gboolean unknown;     /* met syntax that may change what literals mean: give up */
} need_parser_t;

static need_info_t parse_alternation (need_parser_t *parser);

static need_info_t
exact_char (char c)
{
  char s[2] = { c, '\0' };
  return (need_info_t) { strings_of (s), NULL };
}

static need_info_t
any_char (void)
{
  return (need_info_t) { NULL, NULL };
}

static need_info_t
empty_string (void)
{
  return (need_info_t) { strings_of (""), NULL };
}

/* After a backslash. */
static need_info_t
parse_escape (need_parser_t *parser)
{
  char c = *parser->p;

  if (c == '\0')
    {
      parser->unknown = TRUE;
      return any_char ();
    }
  parser->p++;
  if (strchr ("bBAzZG", c) != NULL)
    return empty_string ();
  if (c == 'n')
    return exact_char ('\n');
  if (c == 't')
    return exact_char ('\t');
  if (strchr ("wWsSdDhHvVR", c) != NULL)
    return any_char ();   /* one character of a class */
  if (g_ascii_isalnum (c))
    parser->unknown = TRUE;   /* \x.., \p{..}, back references: not parsed */
  return exact_char (c);  /* \. \? \{ \\ ... */
}

/* After '['; a class matches one character we do not spell out. */
static need_info_t
parse_class (need_parser_t *parser)
{
  if (*parser->p == '^')
    parser->p++;
  if (*parser->p == ']')
    parser->p++;
  while (*parser->p != '\0' && *parser->p != ']')
    {
      if (*parser->p == '\\' && parser->p[1] != '\0')
        parser->p++;
      else if (*parser->p == '[' && parser->p[1] == ':')
        parser->unknown = TRUE;   /* POSIX classes: not used, not parsed */
      parser->p++;
    }
  if (*parser->p != ']')
    parser->unknown = TRUE;
  else
    parser->p++;
  return any_char ();
}

/* After '(': a group, or a zero-width assertion. */
static need_info_t
parse_group (need_parser_t *parser)
{
  gboolean zero_width = FALSE;
  need_info_t inner;

  if (*parser->p == '?')
    {
      const char *kind = parser->p + 1;

      if (*kind == ':')
        parser->p += 2;
      else if (*kind == '=' || *kind == '!')
        {
          parser->p += 2;
          zero_width = TRUE;
        }
      else if (*kind == '<' && (kind[1] == '=' || kind[1] == '!'))
        {
          parser->p += 3;
          zero_width = TRUE;
        }
      else
        {
          parser->unknown = TRUE;   /* options such as (?i), named groups, ... */
          return any_char ();
        }
    }
  inner = parse_alternation (parser);
  if (*parser->p != ')')
    parser->unknown = TRUE;
  else
    parser->p++;
  if (zero_width)
    {
      need_info_clear (&inner);
      return empty_string ();
    }
  return inner;
}

/* Reads a quantifier at the parser's position, if any: {min,max} (max -1:
 * unbounded). */
static gboolean
parse_quantifier (need_parser_t *parser, int *min, int *max)
{
  const char *p = parser->p;
  char *end;

  switch (*p)
    {
    case '?': *min = 0; *max = 1; p++; break;
    case '*': *min = 0; *max = -1; p++; break;
    case '+': *min = 1; *max = -1; p++; break;
    case '{':
      if (!g_ascii_isdigit (p[1]))
        return FALSE;   /* a literal brace */
      *min = (int) strtol (p + 1, &end, 10);
      *max = *min;
      if (*end == ',')
        {
          if (g_ascii_isdigit (end[1]))
            *max = (int) strtol (end + 1, &end, 10);
          else
            {
              *max = -1;
              end++;
            }
        }
      if (*end != '}')
        return FALSE;
      p = end + 1;
      break;
    default:
      return FALSE;
    }
  if (*p == '?' || *p == '+')
    p++;   /* lazy or possessive: matches the same strings */
  parser->p = p;
  return TRUE;
}

static need_info_t
apply_quantifier (need_info_t atom, int min, int max)
{
  need_info_t result = { NULL, NULL };

  if (min == 1 && max == 1)
    return atom;
  if (min == 0 && max == 1 && atom.exact != NULL)
    {
      result.exact = strings_copy (atom.exact);
      g_ptr_array_add (result.exact, g_strdup (""));
    }
  else if (min >= 1)
    result.need = need_of (&atom);   /* at least one copy of the atom */
  need_info_clear (&atom);
  return result;
}

static need_info_t
parse_atom (need_parser_t *parser)
{
  char c = *parser->p++;

  switch (c)
    {
    case '\\': return parse_escape (parser);
    case '[': return parse_class (parser);
    case '(': return parse_group (parser);
    case '.': return any_char ();
    case '^': case '$': return empty_string ();
    default: return exact_char (c);
    }
}

/* Appends @atom (exact) to the strings of @run. */
static void
extend_run (GPtrArray **run, const GPtrArray *atom)
{
  GPtrArray *longer = cross (*run, atom);

  g_ptr_array_unref (*run);
  *run = longer;
}

/* A sequence of atoms: exact as long as every atom is; otherwise the best
 * requirement among its atoms' own and its runs of exact atoms: @run
 * spells out every string since the last atom that was not exact (or too
 * many), @tail only since the last atom with alternatives ("been " in
 * "(?:has|have) been"); each is a candidate before it branches. */
static need_info_t
parse_sequence (need_parser_t *parser)
{
  GPtrArray *run = strings_of (""), *tail = strings_of ("");
  GPtrArray *best = NULL;
  gboolean all_exact = TRUE;

  while (*parser->p != '\0' && *parser->p != '|' && *parser->p != ')')
    {
      need_info_t atom = parse_atom (parser);
      int min, max;

      if (parse_quantifier (parser, &min, &max))
        atom = apply_quantifier (atom, min, max);
      need_keep_better (&best, need_of (&atom));
      if (atom.exact == NULL || atom.exact->len > 1)
        {
          need_keep_better (&best, need_of_exact (run));
          need_keep_better (&best, need_of_exact (tail));
          g_ptr_array_unref (tail);
          tail = strings_of ("");
        }
      else
        extend_run (&tail, atom.exact);
      if (atom.exact != NULL && run->len * atom.exact->len <= NEED_MAX_EXACT)
        extend_run (&run, atom.exact);
      else
        {
          /* the run ends here: start again */
          g_ptr_array_unref (run);
          run = atom.exact != NULL ? strings_copy (atom.exact) : strings_of ("");
          all_exact = FALSE;
        }
      need_info_clear (&atom);
    }
  need_keep_better (&best, need_of_exact (tail));
  g_ptr_array_unref (tail);
  if (all_exact)
    return (need_info_t) { run, best };
  need_keep_better (&best, need_of_exact (run));
  g_ptr_array_unref (run);
  return (need_info_t) { NULL, best };
}

/* Alternatives: exact when each is and they are few; else each must
 * bring a requirement, and any of them will do. */
static need_info_t
parse_alternation (need_parser_t *parser)
{
  need_info_t result = parse_sequence (parser);

  while (*parser->p == '|')
    {
      need_info_t next;
      GPtrArray *a, *b;

      parser->p++;
      next = parse_sequence (parser);
      a = need_of (&result);
      b = need_of (&next);
      g_clear_pointer (&result.need, g_ptr_array_unref);
      if (a != NULL && b != NULL)
        {
          g_ptr_array_extend_and_steal (a, g_steal_pointer (&b));
          result.need = g_steal_pointer (&a);
        }
      g_clear_pointer (&a, g_ptr_array_unref);
      g_clear_pointer (&b, g_ptr_array_unref);
      if (result.exact != NULL && next.exact != NULL
          && result.exact->len + next.exact->len <= NEED_MAX_EXACT)
        g_ptr_array_extend_and_steal (result.exact, g_steal_pointer (&next.exact));
      else
        g_clear_pointer (&result.exact, g_ptr_array_unref);
      need_info_clear (&next);
    }
  return result;
}

/* Drops words that contain another word of @set: finding the shorter one
 * is enough (and necessary). */
static void
drop_implied (GPtrArray *set)
{
  guint i, k;

  for (i = 0; i < set->len; i++)
    for (k = 0; k < set->len; k++)
      if (i != k && strstr (g_ptr_array_index (set, i), g_ptr_array_index (set, k)) != NULL
          && (strlen (g_ptr_array_index (set, i)) > strlen (g_ptr_array_index (set, k)) || i > k))
        {
          g_ptr_array_remove_index (set, i);
          i--;
          break;
        }
}

char **
mg_phrase_required_words (const char *pattern)
{
  need_parser_t parser = { pattern, FALSE };
  need_info_t info = parse_alternation (&parser);
  GPtrArray *need = need_of (&info);

  need_info_clear (&info);
  if (parser.unknown || *parser.p != '\0' || need == NULL || need->len > NEED_MAX_WORDS)
    {
      if (need != NULL)
        g_ptr_array_unref (need);
      return NULL;
    }
  drop_implied (need);
  g_ptr_array_set_free_func (need, NULL);
  g_ptr_array_add (need, NULL);
  return (char **) g_ptr_array_free (need, FALSE);
}

/* --- compiled phrase sets ------------------------------------------------ */

/* The compiled patterns are made on first use, which two threads may
 * reach at once (audit analyses messages in a helper thread while the
 * main thread judges: cmd-audit.c): the arrays are made once
 * (phrases_setup()), and each pattern is compiled under compile_lock and
 * published with an atomic store, so that a pattern already there costs
 * a load.  pthread's once and mutex, not GLib's: ThreadSanitizer sees
 * these. */
static mg_regex_t **compiled[MG_PHRASES_COUNT];   /* per set, per pattern: NULL until first used */
static guint set_len[MG_PHRASES_COUNT];
static gboolean optimize_patterns;
static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

/* Every pattern of every set, in order, and the cache of their compiled
 * forms (mg-regex-cache.h): opened at the first pattern used. */
static struct {
  const char **patterns;
  guint first[MG_PHRASES_COUNT];   /* per set: the index of its first pattern */
  mg_regex_cache_t *cache;
} all_patterns;

void
mg_phrases_optimize (void)
{
  optimize_patterns = TRUE;
}

static void build_words_index (void);

/* The sets' lengths, the arrays of compiled patterns and the index of
 * their words, once. */
static void
phrases_setup_once (void)
{
  guint set;

  for (set = 0; set < MG_PHRASES_COUNT; set++)
    {
      while (phrase_sets[set][set_len[set]].pattern != NULL)
        set_len[set]++;
      compiled[set] = g_new0 (mg_regex_t *, set_len[set]);
    }
  build_words_index ();
}

static void
phrases_setup (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, phrases_setup_once);
}

guint
mg_phrases_count (mg_phrases_t set)
{
  g_return_val_if_fail (set < MG_PHRASES_COUNT, 0);
  phrases_setup ();
  return set_len[set];
}

const char *
mg_phrase_pattern (mg_phrases_t set, guint index)
{
  g_return_val_if_fail (index < mg_phrases_count (set), NULL);
  return phrase_sets[set][index].pattern;
}

const char *const *
mg_phrase_words (mg_phrases_t set, guint index)
{
  g_return_val_if_fail (index < mg_phrases_count (set), NULL);
  return phrase_sets[set][index].words;
}

static mg_regex_cache_t *
pattern_cache (void)
{
  if (all_patterns.cache == NULL)
    {
      GPtrArray *patterns = g_ptr_array_new ();
      guint set, i;

      for (set = 0; set < MG_PHRASES_COUNT; set++)
        {
          all_patterns.first[set] = patterns->len;
          for (i = 0; i < mg_phrases_count (set); i++)
            g_ptr_array_add (patterns, (gpointer) phrase_sets[set][i].pattern);
        }
      all_patterns.patterns = (const char **) g_ptr_array_free (patterns, FALSE);
      all_patterns.cache = mg_regex_cache_open (all_patterns.patterns,
                                                all_patterns.first[MG_PHRASES_COUNT - 1]
                                                + mg_phrases_count (MG_PHRASES_COUNT - 1));
    }
  return all_patterns.cache;
}

const mg_regex_t *
mg_phrase_regex (mg_phrases_t set, guint index)
{
  mg_regex_t *regex;

  g_return_val_if_fail (index < mg_phrases_count (set), NULL);
  regex = g_atomic_pointer_get (&compiled[set][index]);
  if (regex != NULL)
    return regex;

  pthread_mutex_lock (&compile_lock);
  regex = compiled[set][index];
  if (regex == NULL)
    {
      g_autoptr (GError) error = NULL;
      mg_regex_cache_t *cache = pattern_cache ();

      regex = mg_regex_cache_get (cache, all_patterns.first[set] + index, &error);
      /* the patterns are ours: a bad one is a bug the tests catch */
      if (regex == NULL)
        g_error ("rulebook: bad pattern /%s/: %s", phrase_sets[set][index].pattern, error->message);
      if (optimize_patterns)
        mg_regex_optimize (regex);
      g_atomic_pointer_set (&compiled[set][index], regex);
    }
  pthread_mutex_unlock (&compile_lock);
  return regex;
}

/* --- finding the required words ------------------------------------------ */

/* Looking for each pattern's words with memmem() read the text once per
 * word: about 700 times per message, the largest cost of `audit`.  So the
 * words of all patterns are found in one pass over a region's text and
 * kept with the region (its `found`); a pattern then only looks up
 * whether one of its words occurred.  Words of four bytes or more are
 * indexed by their first four (most words share their first two with
 * others: "pr", "co", "in"), shorter ones by their first two.  A search
 * over part of the text (a clause, a sentence) looks there with memmem()
 * for the words that occur at all, usually none. */

#define WORD_BUCKETS 1024        /* words of two or three bytes, by their first two */
#define HEAD_BUCKETS_BITS 12     /* longer words, by their first four */
#define HEAD_BUCKETS (1u << HEAD_BUCKETS_BITS)

static struct {
  GPtrArray *words;                      /* distinct words (not owned); a word's id is its index */
  guint16 *ids[MG_PHRASES_COUNT];        /* per set: the ids of each pattern's words, each list ended by G_MAXUINT16 */
  guint *first_id[MG_PHRASES_COUNT];     /* per set, per pattern: where its list starts in ids; G_MAXUINT for ALWAYS */
  guint bucket_start[WORD_BUCKETS + 1];  /* words of two or three bytes by bucket of their first two */
  guint16 *bucket_ids;
  guint head_start[HEAD_BUCKETS + 1];    /* longer words by bucket of their first four */
  guint16 *head_ids;
  GArray *one_byte_ids;                  /* words of one byte: found with memchr() */
  gsize *lengths;                        /* per word id */
  guint32 *heads;                        /* per word id: its first four bytes, if it has four */
} words_index;

static guint
bucket_of (guchar a, guchar b)
{
  return ((guint) a * 31u + (guint) b) % WORD_BUCKETS;
}

static guint
head_bucket_of (guint32 head)
{
  return (head * 2654435761u) >> (32 - HEAD_BUCKETS_BITS);
}

static void
build_words_index (void)
{
  g_autoptr (GHashTable) id_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *fill = NULL;
  g_autofree guint *head_fill = NULL;
  int set;
  guint w;

  words_index.words = g_ptr_array_new ();
  words_index.one_byte_ids = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (set = 0; set < MG_PHRASES_COUNT; set++)
    {
      GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint16));
      guint i, n = set_len[set];

      words_index.first_id[set] = g_new (guint, n);
      for (i = 0; i < n; i++)
        {
          const char *const *word = phrase_sets[set][i].words;
          const guint16 end = G_MAXUINT16;

          if (word == NULL)
            {
              words_index.first_id[set][i] = G_MAXUINT;
              continue;
            }
          words_index.first_id[set][i] = ids->len;
          for (; *word != NULL; word++)
            {
              gpointer id;

              if (!g_hash_table_lookup_extended (id_of, *word, NULL, &id))
                {
                  id = GUINT_TO_POINTER (words_index.words->len);
                  g_hash_table_insert (id_of, (gpointer) *word, id);
                  g_ptr_array_add (words_index.words, (gpointer) *word);
                }
              g_array_append_vals (ids, &(guint16) { GPOINTER_TO_UINT (id) }, 1);
            }
          g_array_append_val (ids, end);
        }
      words_index.ids[set] = (guint16 *) g_array_free (ids, FALSE);
    }
  g_assert (words_index.words->len < G_MAXUINT16);

  /* counting sorts of the longer words by bucket */
  words_index.lengths = g_new (gsize, words_index.words->len);
  words_index.heads = g_new0 (guint32, words_index.words->len);
  for (w = 0; w < words_index.words->len; w++)
    {
      const char *word = g_ptr_array_index (words_index.words, w);

      words_index.lengths[w] = strlen (word);
      if (words_index.lengths[w] >= sizeof (guint32))
        {
          memcpy (&words_index.heads[w], word, sizeof (guint32));
          words_index.head_start[head_bucket_of (words_index.heads[w]) + 1]++;
        }
      else if (words_index.lengths[w] == 1)
        g_array_append_vals (words_index.one_byte_ids, &(guint16) { w }, 1);
      else
        words_index.bucket_start[bucket_of (word[0], word[1]) + 1]++;
    }
  for (w = 0; w < WORD_BUCKETS; w++)
    words_index.bucket_start[w + 1] += words_index.bucket_start[w];
  for (w = 0; w < HEAD_BUCKETS; w++)
    words_index.head_start[w + 1] += words_index.head_start[w];
  words_index.bucket_ids = g_new (guint16, words_index.bucket_start[WORD_BUCKETS]);
  words_index.head_ids = g_new (guint16, words_index.head_start[HEAD_BUCKETS]);
  fill = g_memdup2 (words_index.bucket_start, sizeof words_index.bucket_start);
  head_fill = g_memdup2 (words_index.head_start, sizeof words_index.head_start);
  for (w = 0; w < words_index.words->len; w++)
    {
      const char *word = g_ptr_array_index (words_index.words, w);

      if (words_index.lengths[w] >= sizeof (guint32))
        words_index.head_ids[head_fill[head_bucket_of (words_index.heads[w])]++] = (guint16) w;
      else if (words_index.lengths[w] > 1)
        words_index.bucket_ids[fill[bucket_of (word[0], word[1])]++] = (guint16) w;
    }
}

/* Which words occur in @text: one byte per word id. */
static guint8 *
find_words (const char *text, gsize len)
{
  guint8 *seen;
  gsize i;
  guint k;

  phrases_setup ();
  seen = g_new0 (guint8, words_index.words->len);
  for (k = 0; k < words_index.one_byte_ids->len; k++)
    {
      guint16 id = g_array_index (words_index.one_byte_ids, guint16, k);
      const char *word = g_ptr_array_index (words_index.words, id);
      seen[id] = memchr (text, word[0], len) != NULL;
    }
  for (i = 0; i + 1 < len; i++)
    {
      guint b = bucket_of (text[i], text[i + 1]);
      guint32 head;

      for (k = words_index.bucket_start[b]; k < words_index.bucket_start[b + 1]; k++)
        {
          guint16 id = words_index.bucket_ids[k];
          gsize n = words_index.lengths[id];

          if (!seen[id] && n <= len - i
              && memcmp (text + i, g_ptr_array_index (words_index.words, id), n) == 0)
            seen[id] = 1;
        }
      if (len - i < sizeof head)
        continue;
      memcpy (&head, text + i, sizeof head);
      b = head_bucket_of (head);
      for (k = words_index.head_start[b]; k < words_index.head_start[b + 1]; k++)
        {
          guint16 id = words_index.head_ids[k];
          const char *word = g_ptr_array_index (words_index.words, id);
          gsize n = words_index.lengths[id];

          if (!seen[id] && head == words_index.heads[id] && n <= len - i
              && memcmp (text + i + sizeof head, word + sizeof head, n - sizeof head) == 0)
            seen[id] = 1;
        }
    }
  return seen;
}

/* The words found in @region's text, found on first use.  The cache is
 * part of the region, not of what it means: hence the cast. */
static const guint8 *
region_found (const mg_region_t *region)
{
  mg_region_t *cache = (mg_region_t *) region;

  if (cache->found == NULL)
    {
      cache->found = find_words (region->norm->str, region->norm->len);
      cache->found_free = g_free;
    }
  return cache->found;
}

gboolean
mg_phrase_may_match (mg_phrases_t set, guint index, const mg_region_t *region,
                     gsize from, gsize to)
{
  const guint8 *found;
  const guint16 *id;

  g_return_val_if_fail (index < mg_phrases_count (set), FALSE);
  if (phrase_sets[set][index].words == NULL)
    return TRUE;
  if (to <= from)
    return FALSE;   /* every pattern with required words consumes them */
  found = region_found (region);
  for (id = &words_index.ids[set][words_index.first_id[set][index]]; *id != G_MAXUINT16; id++)
    if (found[*id])
      {
        const char *word = g_ptr_array_index (words_index.words, *id);

        if (from == 0 && to == region->norm->len)
          return TRUE;
        if (memmem (region->norm->str + from, to - from, word, words_index.lengths[*id]) != NULL)
          return TRUE;
      }
  return FALSE;
}

const mg_regex_t *
mg_phrase_for (mg_phrases_t set, guint index, const mg_region_t *region, gsize from, gsize to)
{
  if (!mg_phrase_may_match (set, index, region, from, to))
    return NULL;
  return mg_phrase_regex (set, index);
}

/* --- word lists ---------------------------------------------------------- */

/* Words that make bracketed or braced text template wording (SPEC 4a). */
const char *const mg_placeholder_words[] = {
  "your", "name", "names", "program", "programs", "programme", "date", "dates", "month", "year",
  "institution", "school", "university", "hospital", "country", "city", "state", "topic",
  "director", "director's", "directors", "interviewer", "interviewer's", "last", "first", "full",
  "title", "specialty", "insert", "e.g", "eg", "e.g.", "aamc", "eras", "id", "visa", "company",
  "organization", "organisation", "department", "recipient", "pd", "coordinator", "here", "tbd",
  "todo", "fill", "placeholder", "brief", "describe", "example", "specific", "area", "reason",
  "field", "position", "faculty", "mentor", "surname", "lastname", "firstname", "medical",
  NULL
};

/* Bracketed editorial marks that are never placeholders. */
const char *const mg_editorial_marks[] = {
  "sic", "sic!", "emphasis added", "emphasis mine", "...", "\xe2\x80\xa6", "citation needed",
  "redacted", "sp?", NULL
};

/* Titles that make a greeting polite (SPEC 4a: Dr., Prof., Professor,
 * Mr., Ms., Mrs., Mx.). */
const char *const mg_greeting_titles[] = {
  "dr", "dr.", "doctor", "prof", "prof.", "professor", "mr", "mr.", "ms", "ms.", "mrs", "mrs.",
  "mx", "mx.", "miss", "drs", "drs.", NULL
};

/* Addressees that are roles or groups, not a person without a title. */
const char *const mg_greeting_roles[] = {
  "committee", "committees", "program", "programme", "director", "directors", "coordinator",
  "coordinators", "team", "faculty", "residency", "selection", "admissions", "admission",
  "members", "member", "colleagues", "staff", "office", "department", "chief", "chiefs", "chair",
  "chairman", "chairwoman", "chairperson", "recruitment", "interviewers", "residents", "board",
  "panel", "leadership", "administrator", "administrators", "manager", "division", "section",
  "fellowship", "radiology", NULL
};

/* Addressees that name no one in particular ("Dear Sir/Madam", "Hi all"). */
const char *const mg_greeting_nobody[] = {
  "sir", "madam", "sir/madam", "sirs", "all", "everyone", "everybody", "there", "folks",
  "whom", "concern", NULL
};
