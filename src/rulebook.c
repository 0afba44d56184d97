/* rulebook.c - every rule and every phrase pattern, as data, in one place.
 *
 * Patterns run over normalised text (mg-text.h): lower case, straight
 * quotes, '-' for dashes, contractions expanded ("i will", "have not"),
 * one space between words, '\n' between paragraphs.  So each phrase needs
 * one spelling, and a pattern never spans a paragraph because it uses
 * literal spaces.  Building blocks shared by several patterns are macros
 * below; a pattern set is compiled on first use only, so a message that
 * cannot trigger a rule pays nothing for its patterns.
 *
 * Precision comes first: a false block in someone's mail client is a bug.
 * Patterns therefore name the applicant as the subject ("i ... rank"), the
 * program as the object ("rank me"), and the rules check negation and
 * hypothetical cues in the clause before a match (MG_PHRASES_NEGATION).
 */
#include "config.h"

#include <string.h>

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

/* A set is a NULL-terminated list of patterns. */
static const char *const intent_first[] = {
  I_RANK SLOT FIRST "\\b" NOT_RANK_LIST,
  I_RANK SLOT "(?:at the (?:very )?top|on top)\\b",
  "\\b(?:is|are|remains|remain|will be|will remain|has become|have become|becomes|as)"
    "(?:(?: [\\w'-]+){1,4}?|, [^,.;!?\\n]{1,40},)? " MY_FIRST,
  "\\bi (?:consider|regard|see) " SLOT "(?:as |to be )?" MY_FIRST,
  MY_FIRST " (?:is|will be|remains) " YOU "\\b",
  /* "my first choice is Pinecrest IR"; not "my #1 is still open" */
  MY_FIRST " (?:is|will be|remains) (?!not\\b|still\\b|undecided|unclear|uncertain|yet\\b|open\\b|a (?:difficult|hard|tough))[a-z]",
  /* "I will place it at #1", "I am going to put you at the top" */
  "\\bi " AUX "(?:place|put|list|placing|putting|listing) " SLOT "(?:at|as) (?:#\\s?1|number[ -](?:one|1)|no\\.? ?1|the (?:very )?top)\\b" NOT_RANK_LIST,
  "[-,(] ?" MY_FIRST " ?[-,)]",
  "\\b" FIRST "(?: (?:program|programme|choice|one|name|entry|spot|place|position))? (?:on|of|in) my (?:rank(?:ing)? |rank order |final |nrmp |certified )?(?:list|rol)\\b",
  "\\b(?<!programs |choices |options |ones |few )(?:at|to|on) the (?:very )?top of my (?:rank(?:ing)? |rank order |final |nrmp |certified )?(?:list|rol)\\b",
  "\\b(?:will (?:certainly |definitely |surely )?be|is|has been|are|being) ranked (?:" FIRST "|at the top)\\b(?! by)",
  NULL
};

static const char *const intent_strong[] = {
  "\\b(?:among|amongst|one of) my (?:very )?(?:top|first|favorite|favourite|leading|highest|most preferred) "
    "(?:choices|programs|programmes|options|picks|few|handful|two|three|four|five|[2-5])\\b",
  "\\bone of my (?:very )?(?:top|first) (?:choices|programs|picks|options)\\b",
  "\\b(?:among|amongst|one of) the (?:top|first) (?:choices|programs|few|two|three|[2-5]) (?:on|of) my (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
  "\\b(?:programs|choices|options|ones|few) (?:at|near|toward|towards) the (?:very )?top of my (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
  "\\b(?:near|close to) the top of my (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
  "\\bin my top (?:few|two|three|four|five|[2-5]|tier)\\b",
  "\\b(?:top|first) (?:few|two|three|four|five|[2-5]) (?:programs |choices )?(?:on|of) my (?:rank )?list\\b",
  NULL
};

static const char *const intent_interest[] = {
  I_RANK SLOT "(?:very |extremely |quite |really )?high(?:ly)?\\b",
  "\\b(?:rank|ranking) " YOU " (?:very |extremely )?high(?:ly)?\\b",
  "\\bhigh on my (?:rank(?:ing)? |rank order )?list\\b",
  "\\b(?:will|would|is going to) (?:certainly |definitely |surely |still )?be ranked (?:very |extremely |quite |really )?high(?:ly)?\\b",
  "\\b(?:very|highly|extremely|deeply|genuinely|sincerely|truly|really|particularly|still|remain|remains) interested in\\b",
  "\\b(?:am|are) interested in (?:your|the|training|joining|matching|being|you|this)\\b",
  "\\b(?:strong|strongest|keen|continued|sincere|genuine|great|deep) interest in\\b",
  "\\b(?:would|will) be (?:thrilled|honored|honoured|delighted|excited|very happy|happy|proud|grateful) to "
    "(?:train|match|join|be part|become a resident|continue my training)\\b",
  "\\bsee myself training (?:here|at|with|in)\\b",
  NULL
};

/* Cues that, before a match in the same clause, make it not a statement. */
static const char *const negation[] = {
  "\\b(?:not|never|no longer|yet to|undecided|unsure|uncertain|cannot|can not|nor|neither"
    "|still deciding|still considering|instead of)\\b",
  NULL
};

/* Idioms that hold a negation word but affirm: "I cannot wait to tell you",
 * "I could not be more certain", "not only". */
static const char *const affirming_idiom[] = {
  "\\b(?:cannot|can not|could not|couldn't) (?:wait|be (?:more|happier|prouder)|stress enough|emphasize enough"
    "|overstate|imagine a better|think of a better|ask for (?:a )?(?:better|more))\\b",
  "\\bnot only\\b",
  "\\bnever (?:been more|felt more|more)\\b",
  "\\bno (?:doubt|question)\\b",
  NULL
};

/* Cues that make a statement hypothetical: they cancel an intent level
 * (a question or a condition states nothing), but not a request, which
 * is often phrased as one ("would it be possible to reschedule"). */
static const char *const hypothetical[] = {
  "\\b(?:whether|if|unless|hypothetically|wonder|wondering|should i|do you think|would it|is it ok"
    "|is it appropriate|in case|even though|decide|deciding|choose|choosing|determine|determining"
    "|figure out|figuring out)\\b",
  NULL
};

/* Cues right after a match that take it back ("my #1 is still open"). */
static const char *const negation_after[] = {
  "^ (?:is|remains|will be|has) (?:not|still|undecided|unclear|uncertain|yet|open)\\b",
  NULL
};

/* Words that start a new clause inside a sentence: a negation before them
 * does not reach past them ("I have not decided everything, but you are
 * my #1"). */
static const char *const clause_break[] = {
  "(?:,|\\b) ?(?:but|however|although|though|whereas|and)\\b|, | - ",
  NULL
};

/* A trade of rank positions: intent that is conditional on the program. */
static const char *const conditional_trade[] = {
  "\\bif\\b[^.?!\\n]{0,50}\\b(?:rank|ranks|match|matches|offer|offers|guarantee|guarantees|promise|promises"
    "|commit|commits|assure|assures) me\\b[^.?!\\n]{0,80}?\\bi " AUX "rank\\b",
  I_RANK "[^.?!\\n]{0,60}?\\b(?:if|as long as|provided that|in exchange for|in return for|on the condition that)\\b"
    "[^.?!\\n]{0,50}\\b(?:rank|ranks|match|matches|offer|offers|guarantee|guarantees|promise|promises) me\\b",
  "\\b(?:in exchange|in return) (?:for|of)\\b[^.?!\\n]{0,60}\\b(?:rank|ranking)\\b",
  NULL
};

static const char *const kind_reschedule[] = {
  "\\b(?:possible|could|can|may|would like|need|must|have to|request|requesting|ask|asking|hoping|hope|wonder|wondering|able)"
    "\\b[^.?!\\n]{0,60}\\b(?:re-?schedul\\w*|move|change|postpone|push back|switch|swap)\\b[^.?!\\n]{0,30}\\binterview",
  "\\binterview\\b[^.?!\\n]{0,40}\\b(?:could|can|might|may) be (?:re-?scheduled|moved|changed|postponed)\\b",
  "\\brequest(?:ing)? to re-?schedule\\b",
  "\\b(?:could|can|might|may) my interview (?:date )?(?:be )?(?:re-?scheduled|moved|changed|postponed|pushed back)\\b",
  NULL
};

static const char *const kind_scheduling[] = {
  "\\bi (?:am |would like to |want to |wish to |hereby )?(?:happy |pleased |glad |writing )?(?:to )?"
    "(?:confirm|accept)\\b[^.?!\\n]{0,30}\\b(?:interview|invitation|attendance|availability|slot|participation)\\b",
  "\\b(?:confirming|accepting) (?:my|the|your) (?:interview|invitation|attendance|slot)\\b",
  "\\b(?:decline|withdraw|cancel)\\w*\\b[^.?!\\n]{0,30}\\b(?:interview|invitation)\\b",
  "\\bi (?:have )?(?:selected|booked|chosen|signed up for|scheduled) (?:an? |the |my )?(?:interview )?(?:date|slot|time)\\b",
  NULL
};

static const char *const kind_thanks[] = {
  "\\b(?:thank you|thanks|thank-you|grateful|gratitude|appreciate|appreciated)\\b",
  NULL
};

/* A reference to the interview that already took place (for thank-you). */
static const char *const kind_interview_ref[] = {
  "\\b" INTERVIEW_PAST "\\b",
  "\\binterview(?:ing)? (?:me|with (?:you|your|the program|the team)|at (?:your|the))\\b",
  "\\b(?:speak|speaking|spoke|talk|talking|talked|meet|meeting|met|chat|chatting) with me\\b",
  "\\b(?:to|for) (?:speak|talk|meet) with me\\b",
  "\\b(?:our|the) (?:conversation|discussion|chat|meeting|talk)\\b",
  "\\b(?:hosting|having) me\\b",
  "\\b(?:opportunity|chance) to interview\\b",
  "\\binterview day\\b",
  /* "during my Pinecrest IR interview", "at my interview yesterday" */
  "\\b(?:during|at|after|from|in) my (?:[\\w'-]+ ){0,4}?interview\\b(?! (?:invitation|invite|offer|date|slot|request))",
  "\\binterview (?:yesterday|today|this (?:morning|afternoon|week)|last (?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\\b",
  "\\b(?:second look|open house)\\b",
  NULL
};

static const char *const kind_update[] = {
  "\\b(?:has|have) (?:just |recently |now |also |finally )?been (?:accepted|published|selected|awarded|elected|invited|chosen|released|certified|approved)\\b",
  "\\b(?:was|were) (?:just |recently )?(?:accepted|published|selected|awarded|elected|released|approved)\\b",
  "\\bi (?:have |had )?(?:just |recently |now |also |successfully |finally )?"
    "(?:passed|completed|finished|published|presented|won|secured|been awarded|been elected|been selected|been accepted|been certified|become certified)\\b",
  "\\bi (?:have |had )?(?:just |recently |now |also |finally )?(?:received|obtained|earned|got)\\b[^.?!\\n]{0,20}"
    "\\b(?:ecfmg|certification|certificate|visa|green card|license|licence|award|grant|degree|score|result|results|acceptance)\\b",
  "\\b(?:step (?:1|2|3|one|two|three)|usmle|comlex|ck|cs)\\b[^.?!\\n]{0,30}\\b(?:score|scores|result|results)\\b",
  "\\bscore (?:of|was|is) \\d",
  "\\b(?:share|sharing|inform you|let you know|update you|report)\\b[^.?!\\n]{0,40}\\b(?:update|news|accepted|published|score|passed"
    "|completed|certification|certified|publication|abstract|manuscript|observership|rotation|award|elected)\\b",
  "\\b(?:an update|updates|update) (?:to|on|regarding|about) my application\\b",
  "\\bapplication update\\b",
  "\\bupdate you (?:on|about|regarding)\\b",
  "\\b(?:certificate|certification|visa|license|licence|score|scores|result|results)\\b[^.?!\\n]{0,20}"
    "\\b(?:was|were|has been|have been|is now) (?:issued|granted|approved|released|posted|received|available)\\b",
  "\\bissued my (?:certificate|certification|visa|license|licence)\\b",
  "\\b(?:am|are) now (?:eligible|certified|licensed|board-eligible)\\b",
  "\\b(?:co-?authored|authored|published|presented)\\b[^.?!\\n]{0,30}"
    "\\b(?:papers?|articles?|abstracts?|posters?|manuscripts?|case reports?|studies|study|chapters?)\\b",
  "\\b(?:papers?|articles?|abstracts?|manuscripts?|case reports?|posters?) (?:was |were |have been |has been |had been )?"
    "(?:accepted|published)\\b",
  "\\b(?:had|have) (?:two|three|four|five|\\d|several|my|a|an|one) (?:new )?(?:papers?|articles?|abstracts?|manuscripts?) accepted\\b",
  "\\bupdated (?:publication list|list of publications)\\b",
  "\\bupdated (?:cv|curriculum vitae|resume|personal statement|eras)\\b",
  "\\bnow (?:available|visible|uploaded|reflected) in (?:my )?eras\\b",
  NULL
};

static const char *const kind_inquiry[] = {
  "\\?",
  "\\bi (?:wanted|would like|am writing|write|wish) to (?:ask|inquire|enquire|know)\\b",
  "\\bi (?:was|am) wondering\\b",
  "\\bcould you (?:please |kindly )?(?:tell|let me know|confirm|clarify|advise|share|explain)\\b",
  "\\bdo you (?:know|sponsor|accept|offer|consider|have)\\b",
  "\\bdoes (?:your|the) (?:program|department|institution)\\b",
  NULL
};

static const char *const rank_inquiry[] = {
  "\\b(?:where|how high(?:ly)?|whether)\\b[^.?!\\n]{0,40}\\b(?:you|your program|the program|the committee|your committee"
    "|the selection committee|your team)\\b[^.?!\\n]{0,40}\\b(?:rank|ranked|ranking) me\\b",
  "\\b(?:tell me|let me know|inform me|share with me|ask you|asking you|know)\\b[^.?!\\n]{0,10}\\b(?:if|whether|where|how high(?:ly)?)\\b"
    "[^.?!\\n]{0,40}\\b(?:rank|ranked|ranking) me\\b",
  "\\b(?:will|would|do|are|could|can|might) you (?:[\\w'-]+ ){0,3}?(?:rank|ranking) me\\b",
  "\\b(?:place|placed|placing|put|putting) me (?:on|at|in) (?:your|the program's|the) (?:rank(?: order)? list|rol)\\b",
  "\\b(?:where|how high(?:ly)?|whether|if)\\b[^.?!\\n]{0,20}\\bi (?:will|would|am going to|might|could|may|am likely to) be ranked\\b",
  "\\b(?:will|would|am|could|might) i be ranked\\b",
  "\\bam i (?:going to be |likely to be )?(?:ranked|on your (?:rank(?: order)? )?list)\\b",
  "\\bwhere (?:do|would|will|might|could) i (?:stand|fall|fit|rank|land|be)\\b[^.?!\\n]{0,30}\\b(?:rank|list|rol)\\b",
  /* "could you share where I might fall on your list" */
  "\\bwhere i (?:[a-z']+ ){0,2}?(?:stand|fall|fit|land|be|rank|place|am)\\b[^.?!\\n]{0,30}\\b(?:your|the program's) (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
  "\\b(?:whether|if) (?:my name|i|my application) (?:will|would|is going to|might|is|am) (?:be |appear |feature )?(?:in|on) (?:your|the program's) (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
  "\\b(?:am i|is my name|will i be|will my name be) (?:on|in) your (?:rank(?:ing)? |rank order |final )?(?:list|rol)\\b",
  "\\bmy (?:position|place|spot|standing|rank|ranking) on (?:your|the program's|the programs|the) (?:rank(?:ing)?|list|rol|rank order list)\\b",
  "\\bhow (?:highly|high|likely)\\b[^.?!\\n]{0,40}\\b(?:i will be|i would be|i am|i'll be) (?:ranked|placed)\\b",
  NULL
};

static const char *const commitment[] = {
  "\\bi (?:hereby |will |would |can |am ready to |am willing to |promise to |want to |would like to )?commit "
    "(?:myself )?to (?:sign|signing|accept|accepting|join|joining|come|coming|attend|attending|your program|you|the position|a position|an offer|your offer)\\b",
  "\\b(?:accept|accepting|sign|signing|take|taking)\\b[^.?!\\n]{0,30}\\b(?:pre-?match|early|outside(?: of)? the match) "
    "(?:offer|position|contract|commitment|agreement)\\b",
  "\\b(?:sign|signing)\\b[^.?!\\n]{0,40}\\b(?:contract|agreement)\\b[^.?!\\n]{0,40}\\b(?:before|prior to|outside(?: of)?) (?:the )?match(?: day)?\\b",
  "\\bi (?:will|would|can|could) (?:gladly |happily |immediately |readily )?accept (?:an?|your|the) (?:offer|position)\\b"
    "[^.?!\\n]{0,40}\\b(?:before|outside(?: of)?|prior to) (?:the )?match\\b",
  "\\bi " AUX "withdraw(?:ing)? (?:my application )?from the match\\b",
  "\\b(?:pre-?match (?:offer|position|contract|agreement)|early (?:offer|commitment|contract)"
    "|outside(?: of)? the match|before (?:the )?match(?: day)?)\\b[^.?!\\n]{0,60}\\bi (?:would|will|can|am ready to|am willing to|am happy to) "
    "(?:gladly |happily |immediately |readily |certainly )?(?:accept|sign|commit|take it)\\b",
  "\\bi (?:will|would|can|am ready to|am willing to|promise to) (?:[\\w'-]+ ){0,3}?(?:sign|accept|commit)\\b"
    "[^.?!\\n]{0,40}\\b(?:before|prior to|outside(?: of)?) (?:the )?match(?: day)?\\b",
  "\\bi (?:will|would|can) (?:promise|guarantee) (?:you )?(?:that )?(?:i will )?rank\\b[^.?!\\n]{0,40}\\bif\\b",
  NULL
};

static const char *const status_inquiry[] = {
  "\\b(?:have|has) (?:you|the (?:program|committee|selection committee|residency office)|anyone|your (?:team|committee|office)) "
    AUX "(?:seen|reviewed|received|looked at|looked over|read|considered|gone through|gone over|evaluated|had (?:a|the) (?:chance|opportunity) to)"
    "\\b[^.?!\\n]{0,30}\\bmy (?:application|file|eras|candidacy)\\b",
  "\\b(?:whether|if) (?:you|the (?:program|committee|selection committee)|anyone|your (?:team|committee|office)) (?:have|has) "
    AUX "(?:seen|reviewed|received|looked at|read|considered|gone through|evaluated|had (?:a|the) (?:chance|opportunity) to)"
    "\\b[^.?!\\n]{0,30}\\bmy (?:application|file|eras|candidacy)\\b",
  "\\b(?:any|is there an?) (?:update|updates|news|word|information|decision)\\b[^.?!\\n]{0,20}\\b(?:on|about|regarding|concerning|with) "
    "(?:the status of )?my (?:application|candidacy|file)\\b",
  "\\b(?:what is|inquire|inquiring|enquire|enquiring|ask|asking|check|checking|know|learn|wonder|wondering|curious|follow(?:ing)? up)"
    "\\b[^.?!\\n]{0,40}\\b(?:(?:status|progress) of my (?:application|candidacy)|my application(?:'s)? status)\\b",
  "\\b(?:whether|if) my (?:application|file|eras application) (?:has|had) (?:already |yet |actually |even )?been (?:received|reviewed|seen|considered|looked at|read)\\b",
  "\\bhas my application\\b[^.?!\\n]{0,40}\\b(?:been|already been) (?:reviewed|seen|received|considered|looked at|read)\\b",
  "\\b(?:was|is) my application (?:reviewed|being reviewed|under review|received|being considered|still under consideration)\\b",
  "\\bwhen (?:can|will|should|might|may) i (?:expect to )?(?:hear|receive|get|know)\\b[^.?!\\n]{0,30}"
    "\\b(?:back|decision|interview|invitation|news|update|from you)\\b",
  NULL
};

static const char *const tone_emotional[] = {
  "\\bdream (?:program|programme|residency|job|school|place|institution|hospital|come true)\\b",
  "\\b(?:program|programme|residency|place|job|institution|hospital) of my dreams\\b",
  "\\b(?:this|your|the) (?:program|programme|residency) (?:is|has always been|has been|was) my (?:ultimate |only |biggest |lifelong |life-long )?dream\\b",
  "\\bi (?:really |truly |desperately )?need this (?:chance|opportunity|spot|position|interview)\\b",
  "\\bmy (?:entire |whole )?(?:family|parents|village|community) (?:is|are) (?:counting|depending|relying) on\\b",
  "\\b(?:please|kindly)(?:,? please)?,? give me (?:a|one|this|an|the) (?:chance|opportunity|shot)\\b",
  "\\bgive me (?:a|one|one last|just one|one more) (?:chance|shot)\\b",
  "\\bmy (?:entire|whole) (?:life|future|career|family|world|existence)\\b[^.?!\\n]{0,20}\\b(?:depends|depend|rests|hinges|relies)\\b",
  "\\b(?:depends|rests|hinges) (?:entirely |completely )?on your decision\\b",
  "\\bi (?:am )?beg(?:ging)?(?: of)? you\\b",
  "\\bi am begging\\b",
  "\\bi implore you\\b",
  "\\bhave mercy\\b",
  "\\bplease,? please\\b",
  "\\bi am desperate\\b",
  "\\bi (?:[a-z]+ )?desperately\\b",
  "\\b(?:my|this is my) (?:last|only|final) (?:chance|hope)\\b",
  "\\bi (?:will|would) do anything\\b",
  "\\bi (?:pray|am praying|will pray)\\b",
  "\\bi (?:am|was|would be|will be|feel|felt) (?:heartbroken|devastated|crushed|in tears)\\b",
  NULL
};

/* Speaks of the program's integrated IR residency (wrong for dr-esir). */
static const char *const track_integrated[] = {
  "\\byour (?:(?!no |not |without |lacks? )[\\w/-]+ ){0,2}?(?:integrated|categorical) (?:ir|interventional radiology|vascular and interventional radiology)\\b",
  "\\b(?:integrated|categorical) (?:ir|interventional radiology) (?:residency|program|programme|position|track) (?:at|with|in) your\\b",
  NULL
};

/* Speaks of the program's ESIR track (wrong for ir-integrated). */
static const char *const track_esir[] = {
  "\\byour (?:(?!no |not |without |lacks? )[\\w/-]+ ){0,3}?(?:esir|early specialization in (?:ir|interventional radiology))\\b",
  "\\b(?:esir|early specialization in (?:ir|interventional radiology)) (?:track|pathway|program|programme|position) (?:at|with|in) your\\b",
  NULL
};

/* A greeting at the start of the first authored line; group 1 is what
 * follows the greeting word. */
static const char *const greeting[] = {
  "^(?:(?:dear )?respected|dear|hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening|day)|to whom it may concern)\\b(.*)$",
  NULL
};

/* Template wording left in the text.  Brackets and single braces count
 * only with template words inside (see mg_placeholder_words); these
 * always count. */
static const char *const placeholder[] = {
  "\\{\\{[^{}\\n]{0,80}\\}\\}",
  "<<[^<>\\n]{1,80}>>",
  "(?<![\\w-])x{4,}(?![\\w-])",
  "\\binsert (?:[\\w']+ ){0,3}here\\b",
  NULL
};

/* Bracketed or single-braced text; group 1 is the inside. */
static const char *const bracketed[] = {
  "\\[([^\\[\\]\\n]{1,80})\\]",
  "(?<!\\{)\\{([^{}\\n]{1,60})\\}(?!\\})",
  NULL
};

/* "AAMC ID: 1472 9036", "ERAS ID 14729036", "AAMC #14729036",
 * "my AAMC ID number is 14729036"; group 1 holds the 8 digits, possibly
 * grouped by spaces or hyphens. */
static const char *const applicant_id[] = {
  "\\b(?:aamc|eras)(?: ?/ ?(?:aamc|eras))*(?:[ -]?(?:id|identifier|identification|number|no\\.?|#))*(?: number)?(?: is)?"
    "[ :#.=(-]{0,3}(?<![\\d])(\\d(?:[ -]?\\d){7})(?![ -]?\\d)",
  NULL
};

static const char *const *const phrase_sets[MG_PHRASES_COUNT] = {
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

static gboolean optimize_patterns;

void
mg_phrases_optimize (void)
{
  optimize_patterns = TRUE;
}

GPtrArray *
mg_phrases (mg_phrases_t set)
{
  static GPtrArray *compiled[MG_PHRASES_COUNT];
  const char *const *source;

  g_return_val_if_fail (set < MG_PHRASES_COUNT, NULL);
  if (compiled[set] != NULL)
    return compiled[set];

  compiled[set] = g_ptr_array_new ();
  for (source = phrase_sets[set]; *source != NULL; source++)
    {
      g_autoptr (GError) error = NULL;
      GRegex *regex = g_regex_new (*source, G_REGEX_MULTILINE
                                   | (optimize_patterns ? G_REGEX_OPTIMIZE : 0), 0, &error);

      /* the patterns are ours: a bad one is a bug the tests catch */
      if (regex == NULL)
        g_error ("rulebook: bad pattern /%s/: %s", *source, error->message);
      g_ptr_array_add (compiled[set], regex);
    }
  return compiled[set];
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
