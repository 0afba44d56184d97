/* timeline.c - the season as a picture (mg-timeline.h): one row per
 * program, a mark per message coloured by kind, the interview day, the
 * rank deadline and Match Day.  Plain SVG written by hand: a few dozen
 * elements need no library. */
#include "config.h"

#include <string.h>

#include "mg-analysis.h"
#include "mg-localtime.h"
#include "mg-timeline.h"

#define LEFT 200      /* room for the program ids */
#define WIDTH 960
#define TOP 48
#define ROW 26
#define DAY (24 * 3600)

static const struct {
  mg_kind_t kind;
  const char *colour;
} palette[] = {
  { MG_KIND_UPDATE, "#1f77b4" }, { MG_KIND_INTEREST, "#17becf" }, { MG_KIND_INTENT, "#d62728" },
  { MG_KIND_INQUIRY, "#9467bd" }, { MG_KIND_SCHEDULING, "#7f7f7f" }, { MG_KIND_RESCHEDULE, "#ff7f0e" },
  { MG_KIND_THANK_YOU, "#2ca02c" }, { MG_KIND_REPLY, "#bcbd22" }, { MG_KIND_OTHER, "#8c564b" },
};

static const char *
colour_of (const char *kind)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (palette); i++)
    if (g_strcmp0 (kind, mg_kind_name (palette[i].kind)) == 0)
      return palette[i].colour;
  return "#000000";
}

/* Local midnight starting @date as Unix time; UTC midnight for a day a
 * GDateTime cannot hold (near year 1 or 9999). */
static gint64
day_start (const GDate *date)
{
  g_autoptr (GDateTime) t = mg_local_day_start (g_date_get_year (date), g_date_get_month (date),
                                               g_date_get_day (date));
  /* 719163: the Julian day of 1970-01-01 */
  return t != NULL ? g_date_time_to_unix (t) : ((gint64) g_date_get_julian (date) - 719163) * DAY;
}

typedef struct {
  gint64 t0, t1;
} axis_t;

static double
x_of (const axis_t *axis, gint64 t)
{
  return LEFT + (double) (t - axis->t0) / (double) (axis->t1 - axis->t0) * (WIDTH - LEFT - 20);
}

/* The span shown: from the applications (or the first message) to Match
 * Day (or the last message), a week of margin on each side. */
static axis_t
season_axis (const mg_config_t *config, const GPtrArray *history)
{
  axis_t axis = { G_MAXINT64, G_MININT64 };
  const GDate *bounds[] = { &config->applications_submitted, &config->interviews_begin,
                            &config->rank_deadline, &config->match_day };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bounds); i++)
    if (g_date_valid (bounds[i]))
      {
        axis.t0 = MIN (axis.t0, day_start (bounds[i]));
        axis.t1 = MAX (axis.t1, day_start (bounds[i]));
      }
  for (i = 0; i < history->len; i++)
    {
      const mg_entry_t *entry = g_ptr_array_index (history, i);
      axis.t0 = MIN (axis.t0, entry->time);
      axis.t1 = MAX (axis.t1, entry->time);
    }
  if (axis.t0 == G_MAXINT64)
    {
      axis.t0 = g_get_real_time () / G_USEC_PER_SEC;
      axis.t1 = axis.t0;
    }
  axis.t0 -= 7 * DAY;
  axis.t1 += 7 * DAY;
  return axis;
}

static void
vertical_line (GString *svg, const axis_t *axis, const GDate *date, int height, const char *label,
               const char *colour, int label_y)
{
  double x;

  if (!g_date_valid (date))
    return;
  x = x_of (axis, day_start (date));
  g_string_append_printf (svg, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                          "stroke-dasharray=\"4 3\"/>\n", x, TOP - 14, x, height, colour);
  g_string_append_printf (svg, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                          "fill=\"%s\">%s</text>\n", x, label_y, colour, label);
}

static void
month_ticks (GString *svg, const axis_t *axis, int height)
{
  g_autoptr (GDateTime) start = mg_local_from_unix (axis->t0);
  GDateTime *month;
  int year, first, k;
  gint64 months = (axis->t1 - axis->t0) / (30 * DAY);
  /* a tick a month for a season; a few dozen at most for a span of years
   * (a date in year 9999 would otherwise make 96,000) */
  int step = months <= 36 ? 1 : 12 * (int) (1 + months / (12 * 24));

  if (start == NULL)
    return;   /* before year 1 or after 9999: no ticks */
  year = g_date_time_get_year (start);
  first = g_date_time_get_month (start);
  /* month is NULL past December 9999 */
  for (k = 0; (month = mg_local_day_start (year, first + k, 1)) != NULL
              && g_date_time_to_unix (month) <= axis->t1;
       k += step)
    {
      if (g_date_time_to_unix (month) >= axis->t0)
        {
          g_autofree char *name = g_date_time_format (month, "%b %Y");
          double x = x_of (axis, g_date_time_to_unix (month));

          g_string_append_printf (svg, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                                  "stroke=\"#e0e0e0\"/>\n", x, TOP, x, height);
          g_string_append_printf (svg, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#666\">%s"
                                  "</text>\n", x + 2, height + 12, name);
        }
      g_date_time_unref (month);
    }
  g_clear_pointer (&month, g_date_time_unref);
}

char *
mg_timeline_svg (const mg_config_t *config, const GPtrArray *programs, const GPtrArray *history)
{
  GString *svg = g_string_new (NULL);
  axis_t axis = season_axis (config, history);
  int bottom = TOP + (int) programs->len * ROW;
  int height = bottom + 80;
  guint p, i;
  gsize k;

  g_string_append_printf (svg,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\">\n<title>matchguard: the season at a glance</title>\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", WIDTH, height, WIDTH, height);
  month_ticks (svg, &axis, bottom);
  /* two labels a fortnight apart would overlap: one above the other */
  vertical_line (svg, &axis, &config->rank_deadline, bottom, "rank deadline", "#d62728", TOP - 30);
  vertical_line (svg, &axis, &config->match_day, bottom, "Match Day", "#2ca02c", TOP - 17);

  for (p = 0; p < programs->len; p++)
    {
      const mg_program_t *program = g_ptr_array_index (programs, p);
      g_autofree char *id = g_markup_escape_text (program->id, -1);
      int y = TOP + (int) p * ROW + ROW / 2;

      g_string_append_printf (svg, "<g class=\"program\" id=\"program-%s\">\n", id);
      g_string_append_printf (svg, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s"
                              "</text>\n", LEFT - 10, y + 4, id);
      g_string_append_printf (svg, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#cccccc\"/>\n",
                              LEFT, y, WIDTH - 20, y);
      if (program->has_interview)
        {
          double x = x_of (&axis, day_start (&program->interview) + DAY / 2);
          g_string_append_printf (svg, "<rect class=\"interview\" x=\"%.1f\" y=\"%d\" width=\"6\" "
                                  "height=\"16\" fill=\"#444444\"><title>interview %04d-%02d-%02d"
                                  "</title></rect>\n", x - 3, y - 8, g_date_get_year (&program->interview),
                                  g_date_get_month (&program->interview), g_date_get_day (&program->interview));
        }
      for (i = 0; i < history->len; i++)
        {
          const mg_entry_t *entry = g_ptr_array_index (history, i);
          g_autoptr (GDateTime) when = NULL;
          g_autofree char *day = NULL;
          g_autofree char *subject = NULL;

          if (!mg_entry_has_program (entry, program->id))
            continue;
          when = mg_local_from_unix (entry->time);
          day = when != NULL ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("?");
          subject = g_markup_escape_text (entry->subject != NULL ? entry->subject : "", -1);
          /* sent mail is a filled dot; refused and failed attempts a ring */
          g_string_append_printf (svg, "<circle class=\"message %s %s\" cx=\"%.1f\" cy=\"%d\" r=\"5\" "
                                  "fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"><title>%s %s (%s, %s): %s"
                                  "</title></circle>\n",
                                  entry->kind, mg_status_name (entry->status), x_of (&axis, entry->time), y,
                                  mg_entry_counts (entry) ? colour_of (entry->kind) : "white",
                                  colour_of (entry->kind), day, entry->kind, entry->intent,
                                  mg_status_name (entry->status), subject);
        }
      g_string_append (svg, "</g>\n");
    }

  for (k = 0; k < G_N_ELEMENTS (palette); k++)
    {
      int x = LEFT + (int) k * 82;
      g_string_append_printf (svg, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/>"
                              "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n",
                              x, height - 16, palette[k].colour, x + 8, height - 12,
                              mg_kind_name (palette[k].kind));
    }
  g_string_append_printf (svg, "<rect x=\"%d\" y=\"%d\" width=\"6\" height=\"12\" fill=\"#444444\"/>"
                          "<text x=\"%d\" y=\"%d\" font-size=\"11\">interview</text>\n",
                          LEFT, height - 42, LEFT + 10, height - 32);
  g_string_append (svg, "</svg>\n");
  return g_string_free (svg, FALSE);
}
