/*
 * when.c: a sign-up's time in words, for the approval queue.
 *
 * An approver reads "12 min ago" faster than a timestamp, and the date next
 * to it settles "which Tuesday". Month names are our own table through _(),
 * not strftime's %b, so a translation catalogue covers them and the C
 * locale of the kiosk's service does not decide the language.
 */
#include <stdio.h>
#include <time.h>
#include <gatehouse/plugin.h>
#include "approvals.h"

void approvals_ago(int64_t then, int64_t now, char *buf, size_t len)
{
    int64_t s = (now - then) / 1000;
    if (s < 60) {
        snprintf(buf, len, "%s", _("just now"));
    } else if (s < 3600) {
        snprintf(buf, len, _("%lld min ago"), (long long)(s / 60));
    } else if (s < 24 * 3600) {
        snprintf(buf, len, _("%lld h ago"), (long long)(s / 3600));
    } else if (s < 2 * 24 * 3600) {
        snprintf(buf, len, "%s", _("yesterday"));
    } else {
        snprintf(buf, len, _("%lld days ago"), (long long)(s / (24 * 3600)));
    }
}

void approvals_date(int64_t then, char *buf, size_t len)
{
    static const char *const months[12] = {
        N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
        N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec") };
    time_t t = (time_t)(then / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        snprintf(buf, len, "?");
        return;
    }
    /* day, month, year, hour, minute */
    snprintf(buf, len, _("%d %s %d, %02d:%02d"), tm.tm_mday, _(months[tm.tm_mon]),
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}
