/*
 * i18n.c: the translation hook behind _() (see i18n.h).
 *
 * English is the only language today, so a message id is its own
 * translation. Keeping every person-visible string behind this one function
 * means a catalogue can be added here later without touching any caller.
 */
#include "gatehouse/i18n.h"

const char *gh_i18n_lookup(const char *msgid)
{
    return msgid;
}
