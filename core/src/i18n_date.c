/*
 * i18n_date.c: dates and times in the calling thread's language (i18n.h).
 *
 * A date is written the way the language writes it in a sentence, not in
 * numbers (5/12 reads as May in one country and December in another):
 * "5 December 2026", "5 de diciembre de 2026", "5 décembre 2026". The month
 * names and the order of day, month and year are strings of the catalogue,
 * so a new language needs no code. Times are 24-hour ("14:05"), which every
 * language we speak reads the same way. The time zone is the kiosk's own
 * (TZ, /etc/localtime), as on its screens.
 */
#include "gatehouse/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const months[12] = {
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
    N_("December"),
};

/* Copies pattern into buf with each "{key}" replaced by its value
 * (keys[i] -> vals[i]); an unknown {word} is copied as it is. */
static void fill(char *buf, size_t len, const char *pattern, const char *const *keys,
                 const char *const *vals, int n)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < len;) {
        int hit = -1;
        for (int i = 0; *p == '{' && i < n; i++) {
            size_t k = strlen(keys[i]);
            if (strncmp(p + 1, keys[i], k) == 0 && p[1 + k] == '}')
                hit = i;
        }
        if (hit < 0) {
            buf[o++] = *p++;
            continue;
        }
        int w = snprintf(buf + o, len - o, "%s", vals[hit]);
        o = (w < 0 || (size_t)w >= len - o) ? len - 1 : o + (size_t)w;
        p += strlen(keys[hit]) + 2;
    }
    buf[o] = '\0';
}

const char *gh_i18n_date(int64_t ms, int with_time, char *buf, size_t len)
{
    struct tm tm;
    time_t t = (time_t)(ms / 1000);
    char day[8], year[8], hm[8], date[160];

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (ms < 0 || !localtime_r(&t, &tm))
        return buf;
    snprintf(day, sizeof day, "%d", tm.tm_mday);
    snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
    snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour % 24, tm.tm_min % 60);
    static const char *const dkeys[] = { "day", "month", "year" };
    const char *dvals[] = { day, _(months[tm.tm_mon % 12]), year };
    /* TRANSLATORS: a date in a sentence. {day} is the day of the month
     * (5), {month} the month's name (translated separately), {year} the
     * year: "{day} de {month} de {year}". Keep the braces' words as they are. */
    fill(date, sizeof date, _("{day} {month} {year}"), dkeys, dvals, 3);
    if (!with_time) {
        snprintf(buf, len, "%s", date);
        return buf;
    }
    static const char *const tkeys[] = { "date", "time" };
    const char *tvals[] = { date, hm };
    /* TRANSLATORS: a date and a 24-hour time ("14:05") in a sentence:
     * "{date} a las {time}". Keep the braces' words as they are. */
    fill(buf, len, _("{date} at {time}"), tkeys, tvals, 2);
    return buf;
}
