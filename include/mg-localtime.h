/* mg-localtime.h - the user's local time, through the C library.
 *
 * GLib's local GTimeZone expands the zone's daylight-saving rules for
 * every year from 1916 to 2037 when it is first made: 2.2 M instructions
 * for America/New_York, an eighth of checking a 30 KB message.  glibc's
 * localtime_r() and mktime() read the same tzfile (or $TZ rule) for a few
 * thousand.  So local times are made here: a GDateTime for an instant in
 * the fixed-offset zone that is local at that instant.  Its fields (date,
 * hour, "%Y-%m-%d", "%:z") are the local ones; it compares and subtracts
 * as the instant it is.  Arithmetic on it keeps that offset, so a
 * calendar step across a daylight-saving change is made with
 * mg_local_day_start(), not g_date_time_add_days().
 *
 * Each returns NULL for a time a GDateTime cannot hold (before year 1 or
 * after 9999 in local time) or that time_t cannot. */
#ifndef MG_LOCALTIME_H
#define MG_LOCALTIME_H

#include <glib.h>

G_BEGIN_DECLS

/* Now, to the microsecond. */
GDateTime *mg_local_now (void);
/* The instant @time (Unix seconds). */
GDateTime *mg_local_from_unix (gint64 time);
/* The instant of @datetime (any zone), in local time. */
GDateTime *mg_local_to_local (GDateTime *datetime);
/* Local midnight starting day @day of month @month of @year; out-of-range
 * days and months carry over as mktime(3) does (day 32 of January is 1
 * February, month 13 is January of the next year).  Where that midnight
 * does not exist (a zone whose clocks jump from 00:00 to 01:00), the
 * first instant of the day. */
GDateTime *mg_local_day_start (int year, int month, int day);

G_END_DECLS

#endif
