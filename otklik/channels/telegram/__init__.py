"""The Telegram channel (Bot API): a citizen writes to the ЦУР's bot, gets the number of the
case, its status changes, the answer and the satisfaction question; /subscribe to the news of a
municipality (read by outreach). A chat is asked for consent to personal-data processing
(152-ФЗ) before its messages are handled personally (``consent.py``). See
docs/architecture.md, «Telegram»."""
