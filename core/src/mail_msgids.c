/*
 * mail_msgids.c: the message ids of the mail templates, for xgettext.
 * Written by scripts/mail_msgids.py from the templates in assets/mail/: do not edit;
 * run the script after changing a template (a test checks it).
 */
#include "mail_i18n.h"
#include "gatehouse/i18n.h"

const char *const gh_mail_msgids[] = {
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Gatehouse daily digest — {{kiosk}} — {{date}}"),
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Gatehouse daily digest for {{kiosk}}, {{date}}\n"
       "Log entries {{from}} to {{to}}."),
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Sign-ups: {{signups}}\n"
       "Approved: {{approvals}}\n"
       "Rejected: {{rejections}}\n"
       "Switched off (inactive or blocked): {{switched_off}}\n"
       "Waiting for approval now: {{pending}}"),
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Doors opened: {{opened}} {{opened_by_door}}\n"
       "Doors refused: {{refused}} {{refused_by_door}}\n"
       "Wrong door codes: {{wrong_codes}}\n"
       "Keypad throttles: {{throttles}}"),
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Mail sent: {{mail_sent}}\n"
       "Mail failed: {{mail_failed}}\n"
       "Mail cancelled: {{mail_cancelled}}\n"
       "Relay board problems (lost or refused): {{relay_problems}}\n"
       "{{site_offline}}"),
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Log anchor: {{anchor}}"),
    /* TRANSLATORS: email digest.txt; keep every {{placeholder}} */
    N_("Keep this email. To prove the activity log has not been cut since it was\n"
       "sent, run on the kiosk:\n"
       "  gatehousectl log verify --anchor {{anchor}}"),
    /* TRANSLATORS: email import_summary.txt; keep every {{placeholder}} */
    N_("Gatehouse import {{result}}: {{file}} — {{kiosk}}"),
    /* TRANSLATORS: email import_summary.txt; keep every {{placeholder}} */
    N_("The property management file {{file}} was synced into {{kiosk}}: {{result}}."),
    /* TRANSLATORS: email import_summary.txt; keep every {{placeholder}} */
    N_("Summary: {{summary}}"),
    /* TRANSLATORS: email import_summary.txt; keep every {{placeholder}} */
    N_("Changes: {{changes}}"),
    /* TRANSLATORS: email import_summary.txt; keep every {{placeholder}} */
    N_("Problems: {{problems}}"),
    /* TRANSLATORS: email import_summary.txt; keep every {{placeholder}} */
    N_("The file and the full report ({{file}}.log beside it) are in the import\n"
       "folder's {{folder}}/ folder."),
    /* TRANSLATORS: email request_new.txt; keep every {{placeholder}} */
    N_("[#R{{id}}] New request: {{subject}}"),
    /* TRANSLATORS: email request_new.txt; keep every {{placeholder}} */
    N_("Hello {{staff_name}},"),
    /* TRANSLATORS: email request_new.txt; keep every {{placeholder}} */
    N_("{{who}} has filed request #{{id}} at {{kiosk}}."),
    /* TRANSLATORS: email request_new.txt; keep every {{placeholder}} */
    N_("  Location: {{location}}\n"
       "  Subject:  {{subject}}"),
    /* TRANSLATORS: email request_new.txt; keep every {{placeholder}} */
    N_("Reply to this email to answer (your reply is added to the request and\n"
       "sent to {{who}}), or answer in the staff area of the kiosk."),
    /* TRANSLATORS: email request_new.txt; keep every {{placeholder}} */
    N_("You get this email because your staff account handles requests."),
    /* TRANSLATORS: email request_reply.txt; keep every {{placeholder}} */
    N_("[#R{{id}}] {{subject}}"),
    /* TRANSLATORS: email request_reply.txt; keep every {{placeholder}} */
    N_("Hello {{name}},"),
    /* TRANSLATORS: email request_reply.txt; keep every {{placeholder}} */
    N_("{{who}} replied to your request #{{id}} ({{location}}):"),
    /* TRANSLATORS: email request_reply.txt; keep every {{placeholder}} */
    N_("The request is now {{state}}. Reply to this email to answer; your reply\n"
       "is added to the request. You can also see it under Requests at {{kiosk}}."),
    /* TRANSLATORS: email request_state.txt; keep every {{placeholder}} */
    N_("[#R{{id}}] {{subject}} ({{state}})"),
    /* TRANSLATORS: email request_state.txt; keep every {{placeholder}} */
    N_("Hello {{name}},"),
    /* TRANSLATORS: email request_state.txt; keep every {{placeholder}} */
    N_("{{who}} marked your request #{{id}} ({{location}}) as {{state}}."),
    /* TRANSLATORS: email request_state.txt; keep every {{placeholder}} */
    N_("If something is still not right, reply to this email within 14 days and\n"
       "the request is reopened, or reopen it under Requests at {{kiosk}}."),
    /* TRANSLATORS: email request_update.txt; keep every {{placeholder}} */
    N_("[#R{{id}}] {{subject}}"),
    /* TRANSLATORS: email request_update.txt; keep every {{placeholder}} */
    N_("Hello {{staff_name}},"),
    /* TRANSLATORS: email request_update.txt; keep every {{placeholder}} */
    N_("{{who}} wrote on request #{{id}} ({{location}}):"),
    /* TRANSLATORS: email request_update.txt; keep every {{placeholder}} */
    N_("Reply to this email to answer, or answer in the staff area of the kiosk."),
    /* TRANSLATORS: email request_update.txt; keep every {{placeholder}} */
    N_("You get this email because your staff account handles requests."),
    /* TRANSLATORS: email security_throttle.txt; keep every {{placeholder}} */
    N_("Security: many wrong {{what}} at the kiosk \"{{kiosk}}\""),
    /* TRANSLATORS: email security_throttle.txt; keep every {{placeholder}} */
    N_("Hello {{staff_name}},"),
    /* TRANSLATORS: email security_throttle.txt; keep every {{placeholder}} */
    N_("The kiosk \"{{kiosk}}\" has had {{count}} wrong {{what}} within 10 minutes,\n"
       "so it now refuses every attempt for a while ({{wait}} seconds at first,\n"
       "doubling while wrong attempts continue, at most 10 minutes)."),
    /* TRANSLATORS: email security_throttle.txt; keep every {{placeholder}} */
    N_("This can be someone guessing. The activity log has every attempt (never\n"
       "the codes or PINs themselves): gatehousectl log"),
    /* TRANSLATORS: email security_throttle.txt; keep every {{placeholder}} */
    N_("You get this email because your staff account has the admin permission.\n"
       "At most one such email an hour is sent about each kiosk."),
    /* TRANSLATORS: email setup_code.txt; keep every {{placeholder}} */
    N_("Your new setup code for {{kiosk}}"),
    /* TRANSLATORS: email setup_code.txt; keep every {{placeholder}} */
    N_("Hello {{name}},"),
    /* TRANSLATORS: email setup_code.txt; keep every {{placeholder}} */
    N_("Someone asked the kiosk at {{kiosk}} for a new setup code for your account.\n"
       "If that was you, set a new PIN with this one-time code:"),
    /* TRANSLATORS: email setup_code.txt; keep every {{placeholder}} */
    N_("The code works once and is valid for 72 hours, until {{expires}}.\n"
       "Until you use it, your current PIN keeps working."),
    /* TRANSLATORS: email setup_code.txt; keep every {{placeholder}} */
    N_("How to use it:\n"
       "  1. At the kiosk, tap \"{{first_time}}\".\n"
       "  2. Enter your email address ({{email}}) or your mobile number.\n"
       "  3. Enter the 6-digit code above.\n"
       "  4. Choose a new PIN of 4 to 8 digits (not 1111 or 1234)."),
    /* TRANSLATORS: email setup_code.txt; keep every {{placeholder}} */
    N_("If you did not ask for this, you can ignore this email: nothing changes\n"
       "unless the code is used. A code from an earlier email no longer works."),
    /* TRANSLATORS: email signup_notify.txt; keep every {{placeholder}} */
    N_("Sign-up waiting for approval: {{who}}"),
    /* TRANSLATORS: email signup_notify.txt; keep every {{placeholder}} */
    N_("Hello {{staff_name}},"),
    /* TRANSLATORS: email signup_notify.txt; keep every {{placeholder}} */
    N_("Someone has signed up at {{kiosk}} and is waiting for approval."),
    /* TRANSLATORS: email signup_notify.txt; keep every {{placeholder}} */
    N_("  Name:          {{name}}\n"
       "  Email:         {{email}}\n"
       "  Phone:         {{phone}}\n"
       "  Organisation:  {{org}}\n"
       "  Unit or suite: {{unit}}\n"
       "  Group:         {{group}}"),
    /* TRANSLATORS: email signup_notify.txt; keep every {{placeholder}} */
    N_("The organisation and unit are what the person typed in; they give no access\n"
       "by themselves. Please approve or reject the request in the staff area of the\n"
       "kiosk, where you can also set their access."),
    /* TRANSLATORS: email signup_notify.txt; keep every {{placeholder}} */
    N_("You get this email because your staff account can approve sign-ups."),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("Your setup code for {{kiosk}}"),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("Hello {{name}},"),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("Your account at {{kiosk}} is ready. To start using the kiosk, set your own\n"
       "PIN with this one-time setup code:"),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("The code works once and is valid for 72 hours, until {{expires}}."),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("How to use it:\n"
       "  1. At the kiosk, tap \"{{first_time}}\".\n"
       "  2. Enter your email address ({{email}}) or your mobile number.\n"
       "  3. Enter the 6-digit code above.\n"
       "  4. Choose a PIN of 4 to 8 digits that you will remember (not 1111 or 1234)."),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("From then on, log in at the kiosk with your email or phone and your PIN."),
    /* TRANSLATORS: email welcome.txt; keep every {{placeholder}} */
    N_("If the code has expired or you lose this email, ask the staff to send you a\n"
       "new one; the old code then stops working. If you were not expecting this\n"
       "email, you can ignore it."),
    0,
};
