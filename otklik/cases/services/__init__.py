"""Writes on cases, one service per transition (see ``cases/choices.py`` for the table).

Split by concern: ``lifecycle`` (moderation, assignment, merge/split, reopen, redirect,
extension), ``answers`` (answers, moderation, publication, surveys), ``routing`` (rules),
``opening`` (a message opens or joins a case), ``corrections`` (an operator corrects what a
message is about; the case follows), ``deadlines`` (due times and the sweep).
"""
