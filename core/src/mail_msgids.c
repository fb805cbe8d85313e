/*
 * mail_msgids.c: the message ids of the mail templates, for xgettext.
 * Written by scripts/mail_msgids.py from the templates in assets/mail/: do not edit;
 * run the script after changing a template (a test checks it).
 */
#include "mail_i18n.h"
#include "gatehouse/i18n.h"

const char *const gh_mail_msgids[] = {
    /* digest.txt */
    N_("Gatehouse daily digest — {{kiosk}} — {{date}}"),
    N_("Gatehouse daily digest for {{kiosk}}, {{date}}\n"
       "Log entries {{from}} to {{to}}."),
    N_("Sign-ups: {{signups}}\n"
       "Approved: {{approvals}}\n"
       "Rejected: {{rejections}}\n"
       "Switched off (inactive or blocked): {{switched_off}}\n"
       "Waiting for approval now: {{pending}}"),
    N_("Doors opened: {{opened}} {{opened_by_door}}\n"
       "Doors refused: {{refused}} {{refused_by_door}}\n"
       "Wrong door codes: {{wrong_codes}}\n"
       "Keypad throttles: {{throttles}}"),
    N_("Mail sent: {{mail_sent}}\n"
       "Mail failed: {{mail_failed}}\n"
       "Mail cancelled: {{mail_cancelled}}\n"
       "Relay board problems (lost or refused): {{relay_problems}}"),
    N_("Log anchor: {{anchor}}"),
    N_("Keep this email. To prove the activity log has not been cut since it was\n"
       "sent, run on the kiosk:\n"
       "  gatehousectl log verify --anchor {{anchor}}"),
    /* import_summary.txt */
    N_("Gatehouse import {{result}}: {{file}} — {{kiosk}}"),
    N_("The property management file {{file}} was synced into {{kiosk}}: {{result}}."),
    N_("Summary: {{summary}}"),
    N_("Changes: {{changes}}"),
    N_("Problems: {{problems}}"),
    N_("The file and the full report ({{file}}.log beside it) are in the import\n"
       "folder's {{folder}}/ folder."),
    /* request_new.txt */
    N_("[#R{{id}}] New request: {{subject}}"),
    N_("Hello {{staff_name}},"),
    N_("{{who}} has filed request #{{id}} at {{kiosk}}."),
    N_("  Location: {{location}}\n"
       "  Subject:  {{subject}}"),
    N_("Reply to this email to answer (your reply is added to the request and\n"
       "sent to {{who}}), or answer in the staff area of the kiosk."),
    N_("You get this email because your staff account handles requests."),
    /* request_reply.txt */
    N_("[#R{{id}}] {{subject}}"),
    N_("Hello {{name}},"),
    N_("{{who}} replied to your request #{{id}} ({{location}}):"),
    N_("The request is now {{state}}. Reply to this email to answer; your reply\n"
       "is added to the request. You can also see it under Requests at {{kiosk}}."),
    /* request_state.txt */
    N_("[#R{{id}}] {{subject}} ({{state}})"),
    N_("Hello {{name}},"),
    N_("{{who}} marked your request #{{id}} ({{location}}) as {{state}}."),
    N_("If something is still not right, reply to this email within 14 days and\n"
       "the request is reopened, or reopen it under Requests at {{kiosk}}."),
    /* request_update.txt */
    N_("[#R{{id}}] {{subject}}"),
    N_("Hello {{staff_name}},"),
    N_("{{who}} wrote on request #{{id}} ({{location}}):"),
    N_("Reply to this email to answer, or answer in the staff area of the kiosk."),
    N_("You get this email because your staff account handles requests."),
    /* security_throttle.txt */
    N_("Security: many wrong {{what}} at the kiosk \"{{kiosk}}\""),
    N_("Hello {{staff_name}},"),
    N_("The kiosk \"{{kiosk}}\" has had {{count}} wrong {{what}} within 10 minutes,\n"
       "so it now refuses every attempt for a while ({{wait}} seconds at first,\n"
       "doubling while wrong attempts continue, at most 10 minutes)."),
    N_("This can be someone guessing. The activity log has every attempt (never\n"
       "the codes or PINs themselves): gatehousectl log"),
    N_("You get this email because your staff account has the admin permission.\n"
       "At most one such email an hour is sent about each kiosk."),
    /* setup_code.txt */
    N_("Your new setup code for {{kiosk}}"),
    N_("Hello {{name}},"),
    N_("Someone asked the kiosk at {{kiosk}} for a new setup code for your account.\n"
       "If that was you, set a new PIN with this one-time code:"),
    N_("The code works once and is valid for 72 hours, until {{expires}}.\n"
       "Until you use it, your current PIN keeps working."),
    N_("How to use it:\n"
       "  1. At the kiosk, tap \"{{first_time}}\".\n"
       "  2. Enter your email address ({{email}}) or your mobile number.\n"
       "  3. Enter the 6-digit code above.\n"
       "  4. Choose a new PIN of 4 to 8 digits (not 1111 or 1234)."),
    N_("If you did not ask for this, you can ignore this email: nothing changes\n"
       "unless the code is used. A code from an earlier email no longer works."),
    /* signup_notify.txt */
    N_("Sign-up waiting for approval: {{who}}"),
    N_("Hello {{staff_name}},"),
    N_("Someone has signed up at {{kiosk}} and is waiting for approval."),
    N_("  Name:          {{name}}\n"
       "  Email:         {{email}}\n"
       "  Phone:         {{phone}}\n"
       "  Organisation:  {{org}}\n"
       "  Unit or suite: {{unit}}\n"
       "  Group:         {{group}}"),
    N_("The organisation and unit are what the person typed in; they give no access\n"
       "by themselves. Please approve or reject the request in the staff area of the\n"
       "kiosk, where you can also set their access."),
    N_("You get this email because your staff account can approve sign-ups."),
    /* welcome.txt */
    N_("Your setup code for {{kiosk}}"),
    N_("Hello {{name}},"),
    N_("Your account at {{kiosk}} is ready. To start using the kiosk, set your own\n"
       "PIN with this one-time setup code:"),
    N_("The code works once and is valid for 72 hours, until {{expires}}."),
    N_("How to use it:\n"
       "  1. At the kiosk, tap \"{{first_time}}\".\n"
       "  2. Enter your email address ({{email}}) or your mobile number.\n"
       "  3. Enter the 6-digit code above.\n"
       "  4. Choose a PIN of 4 to 8 digits that you will remember (not 1111 or 1234)."),
    N_("From then on, log in at the kiosk with your email or phone and your PIN."),
    N_("If the code has expired or you lose this email, ask the staff to send you a\n"
       "new one; the old code then stops working. If you were not expecting this\n"
       "email, you can ignore it."),
    0,
};
