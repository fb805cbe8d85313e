/*
 * cli_lang.c: --lang CODE on the commands that create a person or queue
 * mail to one (issue 19): the language their emails are written in, kept
 * on the account. Not gatehousectl's own --lang before the command, which
 * chooses the language gatehousectl itself answers in.
 */
#include "cli.h"
#include "gatehouse/languages.h"

#include <stdio.h>
#include <string.h>

int gh_cli_check_lang(struct gh_cmd_ctx *ctx, const char *lang)
{
    char list[160];
    if (!lang || gh_languages_usable(lang))
        return 0;
    return gh_cli_usage_error(ctx, _("--lang %s: not a language of this kiosk's emails "
                                     "(languages: %s)"),
                              *lang ? lang : "\"\"", gh_languages_list(list, sizeof list));
}

int gh_cli_store_lang(struct gh_cmd_ctx *ctx, int64_t id, const char *lang)
{
    if (!lang)
        return 0;
    enum gh_status s = gh_account_set_lang(ctx->store, ctx->actor, id, lang);
    return s == GH_OK ? 0 : gh_cli_store_fail(ctx, s);
}

void gh_cli_show_lang(struct gh_cmd_ctx *ctx, int64_t id)
{
    char stored[GH_I18N_LANG_MAX] = "", used[GH_I18N_LANG_MAX];
    gh_account_lang(ctx->store, id, stored, sizeof stored);
    gh_account_mail_lang(ctx->store, id, used, sizeof used);
    if (ctx->json) {
        fputs(",\"lang\":", ctx->out);
        gh_cli_json_str(ctx->out, stored[0] ? stored : NULL);
        fputs(",\"mail_lang\":", ctx->out);
        gh_cli_json_str(ctx->out, used);
        return;
    }
    fprintf(ctx->out, "%-14s %s", _("language:"), used);
    if (!stored[0])
        fprintf(ctx->out, " (%s)", _("the kiosk's first language"));
    else if (strcmp(stored, used) != 0)
        fprintf(ctx->out, " (%s %s)", stored, _("is no longer offered"));
    fputc('\n', ctx->out);
}
