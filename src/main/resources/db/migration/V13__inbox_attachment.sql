-- A message's photo or file, by reference (Telegram's file id, kind, size, MIME type, file name; never the
-- bytes), sealed like the text: a message resumed after a restart fetches its file again. Erased with the
-- text once the message is answered.
ALTER TABLE telegram_inbox ADD COLUMN attachment TEXT;
