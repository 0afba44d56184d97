/* localtime.c - the user's local time, through the C library (see
 * include/mg-localtime.h for why not GLib's local GTimeZone). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "mg-localtime.h"

/* @time (+ @usec) in the zone that is local at @time. */
static GDateTime *
local_at (gint64 time, int usec)
{
  time_t t = (time_t) time;
  struct tm tm;
  g_autoptr (GTimeZone) zone = NULL;

  if ((gint64) t != time || localtime_r (&t, &tm) == NULL)
    return NULL;
  if (tm.tm_year < 1 - 1900 || tm.tm_year > 9999 - 1900)
    return NULL;
  zone = g_time_zone_new_offset ((gint32) tm.tm_gmtoff);
  /* 60 is a leap second only in a "right/" zone; GDateTime has none */
  return g_date_time_new (zone, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, MIN (tm.tm_sec, 59) + usec / (double) G_USEC_PER_SEC);
}

GDateTime *
mg_local_now (void)
{
  gint64 now = g_get_real_time ();

  return local_at (now / G_USEC_PER_SEC, (int) (now % G_USEC_PER_SEC));
}

GDateTime *
mg_local_from_unix (gint64 time)
{
  return local_at (time, 0);
}

GDateTime *
mg_local_to_local (GDateTime *datetime)
{
  g_return_val_if_fail (datetime != NULL, NULL);

  return local_at (g_date_time_to_unix (datetime), g_date_time_get_microsecond (datetime));
}

/* mktime() reads the zone again on every call (as if tzset() were
 * called: without $TZ, a stat() of /etc/localtime), and the rules ask for
 * the same few days (interview days, deadlines) for every message that
 * audit replays: the last answers are kept, per thread, for as long as
 * $TZ stays what it was (the tests change it; matchguard does not). */
#define DAY_MEMO 16

typedef struct {
  int year, month, day;   /* year 0: empty */
  gint64 start;
} day_memo_t;

static __thread day_memo_t day_memo[DAY_MEMO];
static __thread char day_memo_tz[256];   /* the $TZ they were made with */

static day_memo_t *
day_memo_slot (int year, int month, int day)
{
  const char *tz = g_getenv ("TZ");

  if (tz == NULL)
    tz = "";
  if (strcmp (tz, day_memo_tz) != 0)
    {
      memset (day_memo, 0, sizeof day_memo);
      if (strlen (tz) >= sizeof day_memo_tz)
        return NULL;   /* not kept */
      strcpy (day_memo_tz, tz);
    }
  return &day_memo[((guint) year * 31u * 13u + (guint) month * 31u + (guint) day) % DAY_MEMO];
}

GDateTime *
mg_local_day_start (int year, int month, int day)
{
  day_memo_t *memo;
  struct tm tm = { 0 };
  time_t t;

  if (year < 1 || year > 9999)
    return NULL;
  memo = day_memo_slot (year, month, day);
  if (memo != NULL && memo->year == year && memo->month == month && memo->day == day)
    return local_at (memo->start, 0);
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_isdst = -1;   /* whichever is in force that day */
  errno = 0;
  t = mktime (&tm);
  if (t == (time_t) -1 && errno != 0)
    return NULL;
  if (memo != NULL)
    *memo = (day_memo_t) { year, month, day, (gint64) t };
  return local_at ((gint64) t, 0);
}
