"""The Telegram channel (Bot API): a citizen writes to the ЦУР's bot, gets the number of the
case, its status changes, the answer and the satisfaction question; /subscribe to the news of a
municipality (read by outreach). See docs/architecture.md, «Telegram»."""
