/* test-localtime.c - local time through the C library agrees with GLib's
 * GTimeZone for the same zone, across daylight-saving changes, half-hour
 * and negative offsets, and zones whose clocks jump at midnight. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "mg-localtime.h"

/* New York and London (the usual), Lord Howe (a half-hour change), Havana
 * and Santiago (midnight does not exist on the day the clocks go
 * forward), Dublin (negative daylight saving in the tzdata), Kolkata and
 * Chatham (odd offsets), Sao Paulo (a change at midnight, then none). */
static const char *const zones[] = {
  "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Havana",
  "America/Santiago", "Europe/Dublin", "Asia/Kolkata", "Pacific/Chatham",
  "America/Sao_Paulo", "UTC",
};

static void
use_zone (const char *zone)
{
  g_setenv ("TZ", zone, TRUE);
  tzset ();
}

static void
assert_same_local (GDateTime *ours, GDateTime *glib, const char *zone)
{
  if (g_date_time_to_unix (ours) != g_date_time_to_unix (glib)
      || g_date_time_get_utc_offset (ours) != g_date_time_get_utc_offset (glib)
      || g_date_time_get_year (ours) != g_date_time_get_year (glib)
      || g_date_time_get_day_of_year (ours) != g_date_time_get_day_of_year (glib)
      || g_date_time_get_hour (ours) != g_date_time_get_hour (glib)
      || g_date_time_get_minute (ours) != g_date_time_get_minute (glib)
      || g_date_time_get_second (ours) != g_date_time_get_second (glib))
    {
      g_autofree char *a = g_date_time_format_iso8601 (ours);
      g_autofree char *b = g_date_time_format_iso8601 (glib);
      fail_msg ("%s: ours %s, GLib %s", zone, a, b);
    }
}

/* Every 3 h 7 min from 2019 to 2031, and each hour around every change. */
static void
test_instants_agree (void **state)
{
  const gint64 from = 1546300800, to = 1924992000;   /* 2019-01-01, 2031-01-01 UTC */
  gsize z;

  (void) state;
  for (z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (zones[z]);
      gint64 t;
      int changes = 0, last_offset = G_MININT;

      assert_non_null (tz);
      use_zone (zones[z]);
      for (t = from; t < to; t += 3 * 3600 + 7 * 60)
        {
          g_autoptr (GDateTime) ours = mg_local_from_unix (t);
          g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
          g_autoptr (GDateTime) glib = g_date_time_to_timezone (utc, tz);
          int offset;

          assert_non_null (ours);
          assert_same_local (ours, glib, zones[z]);
          offset = (int) (g_date_time_get_utc_offset (ours) / G_TIME_SPAN_SECOND);
          if (last_offset != G_MININT && offset != last_offset)
            {
              gint64 u;

              changes++;
              for (u = t - 4 * 3600; u < t + 3600; u += 900)
                {
                  g_autoptr (GDateTime) o = mg_local_from_unix (u);
                  g_autoptr (GDateTime) uu = g_date_time_new_from_unix_utc (u);
                  g_autoptr (GDateTime) g = g_date_time_to_timezone (uu, tz);
                  assert_same_local (o, g, zones[z]);
                }
            }
          last_offset = offset;
        }
      /* the zones with daylight saving did change in those years */
      if (g_str_equal (zones[z], "America/New_York") || g_str_equal (zones[z], "Australia/Lord_Howe"))
        assert_true (changes >= 20);
    }
}

/* Local midnight of every day from 2019 to 2030 is the instant GLib gives
 * for 00:00 that day; where 00:00 does not exist, the first instant of
 * that day; where it comes twice, the first of them. */
static void
test_day_starts_agree (void **state)
{
  gsize z;
  int gaps = 0, repeats = 0;

  (void) state;
  for (z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (zones[z]);
      GDate day;

      use_zone (zones[z]);
      g_date_clear (&day, 1);
      for (g_date_set_dmy (&day, 1, 1, 2019); g_date_get_year (&day) < 2031; g_date_add_days (&day, 1))
        {
          int y = g_date_get_year (&day), m = g_date_get_month (&day), d = g_date_get_day (&day);
          g_autoptr (GDateTime) ours = mg_local_day_start (y, m, d);
          g_autoptr (GDateTime) glib = g_date_time_new (tz, y, m, d, 0, 0, 0);
          g_autoptr (GDateTime) before = NULL;

          assert_non_null (ours);
          assert_int_equal (g_date_time_get_day_of_month (ours), d);
          assert_int_equal (g_date_time_get_month (ours), m);
          /* one second earlier is the day before */
          before = mg_local_from_unix (g_date_time_to_unix (ours) - 1);
          assert_true (g_date_time_get_day_of_month (before) != d);
          if (g_date_time_get_hour (ours) != 0)
            {
              gaps++;   /* 00:00 did not exist: the clocks went to 01:00 */
              assert_int_equal (g_date_time_get_hour (ours), 1);
              continue;
            }
          if (g_date_time_to_unix (ours) < g_date_time_to_unix (glib))
            {
              /* 00:00 came twice (clocks back from 01:00 to 00:00): the day
               * starts at the first, GLib names the second */
              repeats++;
              assert_int_equal (g_date_time_to_unix (glib) - g_date_time_to_unix (ours), 3600);
              continue;
            }
          assert_same_local (ours, glib, zones[z]);
        }
    }
  /* Havana and Santiago go forward at midnight once a year; Havana goes
   * back from 01:00 to 00:00 */
  assert_true (gaps >= 12);
  assert_true (repeats >= 6);
}

static void
test_carry_and_limits (void **state)
{
  g_autoptr (GDateTime) feb1 = NULL;
  g_autoptr (GDateTime) jan2028 = NULL;
  g_autoptr (GDateTime) dec31 = NULL;
  g_autoptr (GDateTime) last = NULL;

  (void) state;
  use_zone ("America/New_York");
  feb1 = mg_local_day_start (2027, 1, 32);
  assert_int_equal (g_date_time_get_month (feb1), 2);
  assert_int_equal (g_date_time_get_day_of_month (feb1), 1);
  jan2028 = mg_local_day_start (2027, 13, 1);
  assert_int_equal (g_date_time_get_year (jan2028), 2028);
  assert_int_equal (g_date_time_get_month (jan2028), 1);
  dec31 = mg_local_day_start (2027, 1, 0);
  assert_int_equal (g_date_time_get_year (dec31), 2026);
  assert_int_equal (g_date_time_get_day_of_month (dec31), 31);
  /* 9999-12-31 exists; the day after it does not in a GDateTime */
  last = mg_local_day_start (9999, 12, 31);
  assert_non_null (last);
  assert_null (mg_local_day_start (9999, 12, 32));
  assert_null (mg_local_day_start (10000, 1, 1));
  assert_null (mg_local_day_start (0, 12, 31));
  assert_null (mg_local_from_unix (G_MAXINT64 / 2));
  assert_null (mg_local_from_unix (G_MININT64 / 2));
  /* year 1 in UTC is year 0 in New York */
  assert_null (mg_local_from_unix (-62135596800));
}

static void
test_now_and_conversion (void **state)
{
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) header = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GTimeZone) plus = g_time_zone_new_identifier ("+09:00");
  gint64 before, after;

  (void) state;
  use_zone ("America/New_York");
  before = g_get_real_time ();
  now = mg_local_now ();
  after = g_get_real_time ();
  assert_true (g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now) >= before);
  assert_true (g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now) <= after);

  /* a Date header in Tokyo at 09:30 on 2 November 2026 is 19:30 on the
   * 1st in New York (EST since that morning) */
  header = g_date_time_new (plus, 2026, 11, 2, 9, 30, 15.25);
  local = mg_local_to_local (header);
  assert_int_equal (g_date_time_to_unix (local), g_date_time_to_unix (header));
  assert_int_equal (g_date_time_get_microsecond (local), 250000);
  assert_int_equal (g_date_time_get_day_of_month (local), 1);
  assert_int_equal (g_date_time_get_hour (local), 19);
  assert_int_equal (g_date_time_get_utc_offset (local), -5 * G_TIME_SPAN_HOUR);
}

/* The day starts are kept between calls (src/localtime.c); the same day
 * asked again after $TZ changed is that zone's, and asked again without
 * a change, the same instant. */
static void
test_day_start_follows_zone (void **state)
{
  g_autoptr (GDateTime) york = NULL, york_again = NULL, london = NULL, kolkata = NULL;

  (void) state;
  use_zone ("America/New_York");
  york = mg_local_day_start (2027, 3, 15);
  york_again = mg_local_day_start (2027, 3, 15);
  use_zone ("Europe/London");
  london = mg_local_day_start (2027, 3, 15);
  use_zone ("Asia/Kolkata");
  kolkata = mg_local_day_start (2027, 3, 15);
  assert_int_equal (g_date_time_to_unix (york), g_date_time_to_unix (york_again));
  /* New York was on daylight time (UTC-4) since 14 March, London on UTC */
  assert_int_equal (g_date_time_to_unix (york) - g_date_time_to_unix (london), 4 * 3600);
  assert_int_equal (g_date_time_to_unix (london) - g_date_time_to_unix (kolkata), 5 * 3600 + 1800);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_instants_agree),
    cmocka_unit_test (test_day_starts_agree),
    cmocka_unit_test (test_carry_and_limits),
    cmocka_unit_test (test_now_and_conversion),
    cmocka_unit_test (test_day_start_follows_zone),
  };
  return cmocka_run_group_tests_name ("localtime", tests, NULL, NULL);
}
