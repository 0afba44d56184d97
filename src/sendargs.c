/* sendargs.c - the sendmail-mode command line (SPEC 2.2, 2.3).
 *
 * Design:
 * - One table of single-letter options, the union of sendmail 8's
 *   getopt string ("A:B:b:C:cD:d:e:F:f:Gh:IiL:M:mN:nO:o:p:Q:q:R:r:sTtV:vX:"),
 *   Postfix's sendmail (adds -U) and msmtp 1.8's
 *   ("Pd::SC:a:f:N:R:X:tA:B:b:F:Gh:iL:mnO:o:v"), and one of msmtp's long
 *   options with getopt_long's argument kinds.  Where they agree an option
 *   takes a value, its value is never a recipient.  Where they differ, the
 *   table takes the reading that makes matchguard check more, never less:
 *   -C and -o always take a value (msmtp and getopt; "-oi" is one word),
 *   -d, -q and -Q take one only when attached (what sendmail's obsolete()
 *   arranges and msmtp's "d::" means).
 * - Options end at the first word that is not one.  msmtp permutes (it
 *   would still read "-f x" in "rcpt -f x" as an option) and so does
 *   sendmail built on glibc; Postfix and BSD sendmail stop.  Stopping, and
 *   refusing a later word that starts with '-', is the reading on which
 *   matchguard and every relay agree on the recipients or the send fails
 *   with EX_USAGE: the relay can never send to an address that was not
 *   checked.  Mail clients always write options first (notes F1).
 * - Unknown options are refused (both relays refuse them too), because an
 *   option of unknown arity could hide a recipient.
 * - Errors are kept until the whole line is read: a passthrough mode
 *   anywhere in it makes the relay, not matchguard, the judge of the line.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "mg-common.h"
#include "mg-sendargs.h"

typedef enum {
  ARG_NONE,       /* a flag: "-t", "-ti" */
  ARG_REQUIRED,   /* "-fADDR" or "-f ADDR"; "--from=ADDR" or "--from ADDR" */
  ARG_ATTACHED,   /* "-d5" or "-d" (the next word is not its value);
                     "--tls=on" or "--tls" for long options */
} arity_t;

typedef enum {
  EFFECT_NONE,              /* accepted, left to the relay */
  EFFECT_SENDER,            /* the envelope sender */
  EFFECT_EXTRACT,           /* -t: recipients from the headers too */
  EFFECT_READ_ENVELOPE_FROM,
  EFFECT_MODE,              /* -b: "m" sends, anything else passes through */
  EFFECT_PASSTHROUGH,       /* not a send */
} effect_t;

typedef struct {
  char letter;
  arity_t arity;
  effect_t effect;
} short_option_t;

static const short_option_t short_options[] = {
  { 'A', ARG_REQUIRED, EFFECT_NONE },      /* sendmail -Ac/-Am: which .cf */
  { 'B', ARG_REQUIRED, EFFECT_NONE },      /* body type: -B8BITMIME, -B 7BIT */
  { 'b', ARG_REQUIRED, EFFECT_MODE },      /* operation mode: -bm, -bp, -b s */
  { 'C', ARG_REQUIRED, EFFECT_NONE },      /* configuration file */
  { 'D', ARG_REQUIRED, EFFECT_NONE },      /* sendmail: debug output file */
  { 'F', ARG_REQUIRED, EFFECT_NONE },      /* sender's full name */
  { 'L', ARG_REQUIRED, EFFECT_NONE },      /* syslog label */
  { 'M', ARG_REQUIRED, EFFECT_NONE },      /* sendmail: define a macro */
  { 'N', ARG_REQUIRED, EFFECT_NONE },      /* DSN notify: -N failure,delay */
  { 'O', ARG_REQUIRED, EFFECT_NONE },      /* sendmail: -O Option=value */
  { 'R', ARG_REQUIRED, EFFECT_NONE },      /* DSN return: -R hdrs */
  { 'V', ARG_REQUIRED, EFFECT_NONE },      /* DSN envelope id */
  { 'X', ARG_REQUIRED, EFFECT_NONE },      /* log file */
  { 'a', ARG_REQUIRED, EFFECT_NONE },      /* msmtp account */
  { 'e', ARG_REQUIRED, EFFECT_NONE },      /* sendmail: error mode */
  { 'f', ARG_REQUIRED, EFFECT_SENDER },    /* envelope sender */
  { 'h', ARG_REQUIRED, EFFECT_NONE },      /* hop count */
  { 'o', ARG_REQUIRED, EFFECT_NONE },      /* -oi, -oem, -odb: letter and value in one word */
  { 'p', ARG_REQUIRED, EFFECT_NONE },      /* sendmail: protocol */
  { 'r', ARG_REQUIRED, EFFECT_SENDER },    /* obsolete -f */
  { 'd', ARG_ATTACHED, EFFECT_NONE },      /* debug: -d, -d0.1 */
  { 'Q', ARG_ATTACHED, EFFECT_NONE },      /* sendmail: quarantine reason */
  { 'q', ARG_ATTACHED, EFFECT_PASSTHROUGH },  /* queue run: -q, -q1h, -qR... */
  { 'G', ARG_NONE, EFFECT_NONE },          /* gateway submission */
  { 'T', ARG_NONE, EFFECT_NONE },          /* sendmail: obsolete */
  { 'U', ARG_NONE, EFFECT_NONE },          /* initial user submission */
  { 'c', ARG_NONE, EFFECT_NONE },          /* sendmail: obsolete */
  { 'i', ARG_NONE, EFFECT_NONE },          /* a lone dot does not end the message */
  { 'm', ARG_NONE, EFFECT_NONE },          /* me too */
  { 'n', ARG_NONE, EFFECT_NONE },          /* no aliasing */
  { 's', ARG_NONE, EFFECT_NONE },          /* sendmail: obsolete */
  { 'v', ARG_NONE, EFFECT_NONE },          /* verbose */
  { 't', ARG_NONE, EFFECT_EXTRACT },       /* recipients from To, Cc, Bcc */
  { 'I', ARG_NONE, EFFECT_PASSTHROUGH },   /* newaliases (-bi) */
  { 'P', ARG_NONE, EFFECT_PASSTHROUGH },   /* msmtp --pretend */
  { 'S', ARG_NONE, EFFECT_PASSTHROUGH },   /* msmtp --serverinfo */
};

typedef struct {
  const char *name;
  arity_t arity;
  effect_t effect;
  const char *same_as;   /* an alias of this option (one option to getopt_long) */
} long_option_t;

/* msmtp's long options (msmtp.c, msmtp_cmdline) with getopt_long's
 * argument kinds: ARG_ATTACHED is optional_argument. */
static const long_option_t long_options[] = {
  { "version", ARG_NONE, EFFECT_PASSTHROUGH, NULL },
  { "help", ARG_NONE, EFFECT_PASSTHROUGH, NULL },
  { "configure", ARG_REQUIRED, EFFECT_PASSTHROUGH, NULL },
  { "pretend", ARG_NONE, EFFECT_PASSTHROUGH, NULL },
  { "debug", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "serverinfo", ARG_NONE, EFFECT_PASSTHROUGH, NULL },
  { "rmqs", ARG_REQUIRED, EFFECT_PASSTHROUGH, NULL },
  { "file", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "account", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "host", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "port", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "timeout", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "connect-timeout", ARG_REQUIRED, EFFECT_NONE, "timeout" },
  { "auto-from", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "from", ARG_REQUIRED, EFFECT_SENDER, NULL },
  { "maildomain", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "auth", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "user", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "passwordeval", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "tls-starttls", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "tls-trust-file", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-crl-file", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-fingerprint", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-key-file", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-cert-file", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-certcheck", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "tls-force-sslv3", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "tls-min-dh-prime-bits", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-priorities", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "tls-host-override", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "dsn-notify", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "dsn-return", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "protocol", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "domain", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "logfile", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "logfile-time-format", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "syslog", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "aliases", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "proxy-host", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "proxy-port", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "add-missing-from-header", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "add-missing-date-header", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "set-from-header", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "set-date-header", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "set-msgid-header", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "set-to-header", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "remove-bcc-headers", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "undisclosed-recipients", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "source-ip", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "socket", ARG_REQUIRED, EFFECT_NONE, NULL },
  { "keepbcc", ARG_ATTACHED, EFFECT_NONE, NULL },
  { "read-recipients", ARG_NONE, EFFECT_EXTRACT, NULL },
  { "read-envelope-from", ARG_NONE, EFFECT_READ_ENVELOPE_FROM, NULL },
};

struct mg_sendargs {
  char **argv;                 /* the original words, NULL-terminated */
  GPtrArray *recipients;       /* char*: the recipient words, owned */
  char *sender;                /* last -f/-r/--from value, or NULL */
  gboolean extract_recipients; /* -t, --read-recipients */
  gboolean read_envelope_from; /* --read-envelope-from */
  gboolean mode_passthrough;   /* the last -b mode is not "m" */
  gboolean other_passthrough;  /* -q, -I, -S, --serverinfo, ... seen */
};

/* Parser state: the first error is kept, parsing goes on. */
typedef struct {
  mg_sendargs_t *args;
  GError *error;
} parse_t;

static void
fail (parse_t *parse, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
fail (parse_t *parse, const char *format, ...)
{
  va_list ap;

  if (parse->error != NULL)
    return;
  va_start (ap, format);
  parse->error = g_error_new_valist (MG_ERROR, MG_ERROR_USAGE, format, ap);
  va_end (ap);
}

static void
apply (parse_t *parse, effect_t effect, const char *value)
{
  mg_sendargs_t *args = parse->args;

  switch (effect)
    {
    case EFFECT_NONE:
      break;
    case EFFECT_SENDER:
      g_free (args->sender);
      args->sender = g_strdup (value);
      break;
    case EFFECT_EXTRACT:
      args->extract_recipients = TRUE;
      break;
    case EFFECT_READ_ENVELOPE_FROM:
      args->read_envelope_from = TRUE;
      break;
    case EFFECT_MODE:
      /* sendmail reads the first letter only; the last -b wins */
      args->mode_passthrough = value[0] != 'm';
      break;
    case EFFECT_PASSTHROUGH:
      args->other_passthrough = TRUE;
      break;
    }
}

static const short_option_t *
find_short (char letter)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (short_options); i++)
    if (short_options[i].letter == letter)
      return &short_options[i];
  return NULL;
}

/* getopt_long's lookup: an exact name, else a prefix of exactly one
 * option (aliases count as one).  @name is @len bytes. */
static const long_option_t *
find_long (parse_t *parse, const char *name, gsize len)
{
  const long_option_t *found = NULL;
  const char *found_id = NULL;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (long_options); i++)
    {
      const long_option_t *opt = &long_options[i];
      const char *id = opt->same_as != NULL ? opt->same_as : opt->name;

      if (strncmp (opt->name, name, len) != 0)
        continue;
      if (opt->name[len] == '\0')
        return opt;
      if (found == NULL)
        {
          found = opt;
          found_id = id;
        }
      else if (strcmp (found_id, id) != 0)
        found_id = "";   /* ambiguous, unless an exact match follows */
    }
  if (found != NULL && *found_id == '\0')
    {
      fail (parse, "ambiguous option '--%.*s'", (int) len, name);
      return NULL;
    }
  if (found == NULL)
    fail (parse, "unknown option '--%.*s'", (int) len, name);
  return found;
}

/* Parses the long option at argv[*i] ("--" already checked to be
 * followed by a name); may consume the next word as its value. */
static void
parse_long (parse_t *parse, guint argc, const char *const *argv, guint *i)
{
  const char *word = argv[*i] + 2;
  const char *equals = strchr (word, '=');
  gsize len = equals != NULL ? (gsize) (equals - word) : strlen (word);
  const long_option_t *opt = find_long (parse, word, len);
  const char *value = equals != NULL ? equals + 1 : NULL;

  if (opt == NULL)
    return;
  switch (opt->arity)
    {
    case ARG_NONE:
      if (value != NULL)
        {
          fail (parse, "option '--%s' takes no value", opt->name);
          return;
        }
      break;
    case ARG_REQUIRED:
      if (value == NULL)
        {
          if (*i + 1 >= argc)
            {
              fail (parse, "option '--%s' needs a value", opt->name);
              return;
            }
          value = argv[++*i];
        }
      break;
    case ARG_ATTACHED:
      break;
    }
  apply (parse, opt->effect, value != NULL ? value : "");
}

/* Parses the group of single-letter options at argv[*i] ("-ti",
 * "-fADDR", "-oi"); may consume the next word as the last one's value. */
static void
parse_short (parse_t *parse, guint argc, const char *const *argv, guint *i)
{
  const char *word = argv[*i];
  gsize j;

  for (j = 1; word[j] != '\0'; j++)
    {
      const short_option_t *opt = find_short (word[j]);
      const char *value;

      if (opt == NULL)
        {
          fail (parse, "unknown option '-%c'", word[j]);
          continue;
        }
      if (opt->arity == ARG_NONE)
        {
          apply (parse, opt->effect, "");
          continue;
        }
      /* the rest of the word is the value */
      value = word + j + 1;
      if (*value == '\0' && opt->arity == ARG_REQUIRED)
        {
          if (*i + 1 >= argc)
            {
              fail (parse, "option '-%c' needs a value", opt->letter);
              return;
            }
          value = argv[++*i];
        }
      apply (parse, opt->effect, value);
      return;
    }
}

static void
add_recipient (parse_t *parse, const char *word, gboolean after_dashes, const char *first)
{
  if (*word == '\0')
    fail (parse, "empty recipient argument");
  else if (*word == '-' && after_dashes)
    fail (parse, "recipient '%s' starts with '-': refused, the relay could take it "
          "for an option", word);
  else if (*word == '-' && first != NULL)
    fail (parse, "'%s' comes after the first recipient '%s': put options before the "
          "recipients (a recipient cannot start with '-')", word, first);
  else if (*word == '-')
    fail (parse, "recipient '%s' starts with '-'", word);
  else
    g_ptr_array_add (parse->args->recipients, g_strdup (word));
}

mg_sendargs_t *
mg_sendargs_parse (guint argc, const char *const *argv, GError **error)
{
  parse_t parse = { NULL, NULL };
  const char *first = NULL;
  gboolean options = TRUE, after_dashes = FALSE;
  guint i;

  g_return_val_if_fail (argv != NULL || argc == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parse.args = g_new0 (mg_sendargs_t, 1);
  parse.args->argv = g_new0 (char *, argc + 1);
  for (i = 0; i < argc; i++)
    parse.args->argv[i] = g_strdup (argv[i]);
  parse.args->recipients = g_ptr_array_new_with_free_func (g_free);

  for (i = 0; i < argc; i++)
    {
      const char *word = argv[i];

      if (options && strcmp (word, "--") == 0)
        {
          options = FALSE;
          after_dashes = TRUE;
          continue;
        }
      if (options && word[0] == '-' && word[1] == '-')
        {
          parse_long (&parse, argc, argv, &i);
          continue;
        }
      if (options && word[0] == '-' && word[1] != '\0')
        {
          parse_short (&parse, argc, argv, &i);
          continue;
        }
      options = FALSE;
      add_recipient (&parse, word, after_dashes, first);
      if (first == NULL)
        first = word;
    }

  if (mg_sendargs_is_passthrough (parse.args))
    {
      g_clear_error (&parse.error);
      g_ptr_array_set_size (parse.args->recipients, 0);
    }
  if (parse.error != NULL)
    {
      g_propagate_error (error, parse.error);
      mg_sendargs_free (parse.args);
      return NULL;
    }
  return parse.args;
}

void
mg_sendargs_free (mg_sendargs_t *args)
{
  if (args == NULL)
    return;
  g_strfreev (args->argv);
  g_ptr_array_unref (args->recipients);
  g_free (args->sender);
  g_free (args);
}

GPtrArray *
mg_sendargs_recipients (const mg_sendargs_t *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  return args->recipients;
}

const char *
mg_sendargs_sender (const mg_sendargs_t *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  return args->sender;
}

gboolean
mg_sendargs_extract_recipients (const mg_sendargs_t *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  return args->extract_recipients;
}

gboolean
mg_sendargs_read_envelope_from (const mg_sendargs_t *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  return args->read_envelope_from;
}

gboolean
mg_sendargs_is_passthrough (const mg_sendargs_t *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  return args->mode_passthrough || args->other_passthrough;
}

const char *const *
mg_sendargs_argv (const mg_sendargs_t *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  return (const char *const *) args->argv;
}
