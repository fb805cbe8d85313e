-- Phone numbers in E.164 (issue 11; meant as migration 0006, renumbered at
-- merge). A key that already has its '+' is E.164: the number is shown in
-- that form too. A key with the international prefix 00 becomes '+' and
-- the rest, unless another account already has that number (then it is
-- left as it was, and found by its old form). Numbers typed without a
-- country code ("07700 900123", "555 010 0000") can't be converted here:
-- which country they belong to is the phone_country setting, and setting
-- it (gatehousectl settings set phone_country 44, also to 1) converts them.
UPDATE accounts SET phone = phone_key
 WHERE phone_key LIKE '+%' AND phone IS NOT phone_key;
UPDATE accounts SET phone_key = '+' || substr(phone_key, 3), phone = '+' || substr(phone_key, 3)
 WHERE phone_key LIKE '00%' AND substr(phone_key, 3, 1) <> '0' AND length(phone_key) >= 9
   AND NOT EXISTS (SELECT 1 FROM accounts b WHERE b.phone_key = '+' || substr(accounts.phone_key, 3));
