"""Writes on cases, one service per transition (see ``cases/choices.py`` for the table).

Split by concern: ``lifecycle`` (moderation, assignment, merge/split, reopen, redirect,
extension), ``answers`` (answers, moderation, publication, surveys), ``routing`` (rules),
``opening`` (a message opens or joins a case), ``deadlines`` (due times and the sweep).
"""
