-- 0015 (issue 19): the language a person's emails are written in: the one
-- they used at the kiosk when they signed up, or the one staff gave with
-- gatehousectl's --lang. A code of [kiosk] languages ("es"); NULL (or '')
-- means the kiosk's first language, as does a language no longer offered.
ALTER TABLE accounts ADD COLUMN lang TEXT;
