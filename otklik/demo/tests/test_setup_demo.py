"""`otklik setup --demo` fills every role and a stream; running it again duplicates nothing."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from otklik.accounts.models import User
from otklik.core.roles import Role
from otklik.directory.models import Municipality
from otklik.intake.models import Message


def test_setup_demo_twice(db, client):
    out = StringIO()
    call_command("setup", "--demo", "--demo-messages", "2000", "--skip-static", stdout=out)
    first = out.getvalue()
    assert Message.objects.count() == 2000
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # every demo login is printed with a password that works, last (nothing pushes them away)
    from otklik.demo.services import DEMO_USERS

    lines = first.rstrip().splitlines()
    assert [line.split()[0] for line in lines[-len(DEMO_USERS) :]] == [
        d.username for d in DEMO_USERS
    ]
    for user in User.objects.filter(username__in=[d.username for d in DEMO_USERS]):
        line = next(line for line in first.splitlines() if line.strip().startswith(user.username))
        assert user.check_password(line.split()[1])
    # the history is left for the background of `otklik serve`; the pages say so meanwhile
    from otklik.cases.models import Case, OutboxMessage
    from otklik.channels.models import ChannelHealth
    from otklik.demo.history import demo_history_pending

    assert demo_history_pending() and not Case.objects.exists()
    client.force_login(User.objects.get(username="curator"))
    page = client.get("/").content.decode()
    assert "История демонстрационного региона (2000 сообщений) ещё не загружена" in page
    from django.utils import timezone

    from otklik.demo.models import DemoHistory

    DemoHistory.objects.update(started_at=timezone.now(), stage="drive", done=500)
    page = client.get("/cases/").content.decode()
    assert "жизненный цикл инцидентов: 500 из 2000 сообщений (25 %)" in page
    pos = ChannelHealth.objects.get(channel__code="pos")
    assert pos.inbound_total == Message.objects.filter(channel__code="pos").count() > 0

    out = StringIO()
    before = timezone.now()  # every moment of the replayed history lies before this
    call_command("demo", "history", stdout=out)
    assert "разбор текстов: 2000 из 2000 сообщений (100 %)" in out.getvalue()
    assert "жизненный цикл инцидентов: 2000 из 2000 сообщений (100 %)" in out.getvalue()
    assert not demo_history_pending()
    # delivered at their past moments (none tried today, where it would fail: no tokens) …
    adapters = ["web", "email", "telegram", "vk", "ok", "open311", "phone"]
    sent = OutboxMessage.objects.filter(channel__code__in=adapters)
    assert sent.exists() and not sent.exclude(status="sent").exists()
    assert not sent.filter(sent_at__gte=before)
    # … and the channels read what they received and sent, without an error
    for health in ChannelHealth.objects.select_related("channel"):
        assert health.error_total == 0, health.channel.code
        assert health.inbound_total == Message.objects.filter(channel=health.channel).count()
        assert health.outbound_total == sent.filter(channel=health.channel).count()
    # spread over the oblast, its sectors and channels
    assert Message.objects.values("municipality").distinct().count() == Municipality.objects.count()
    assert Message.objects.values("sector").distinct().count() == 9
    assert Message.objects.values("channel").distinct().count() >= 8
    assert Message.objects.filter(organization__isnull=True).count() == 0
    per_day = Message.objects.values("received_at__date").annotate(n=Count("id"))
    assert per_day.count() >= 85
    # the stream went through the lifecycle: cases in every state, some overdue, some reopened
    states = set(Case.objects.values_list("status", flat=True))
    assert {
        "new",
        "assigned",
        "in_work",
        "awaiting_citizen",
        "published",
        "closed",
        "reopened",
        "no_answer",
    } <= states
    # asked authors: some answered (the wait is over), some still waited for
    from otklik.cases.models import CasePause

    assert CasePause.objects.filter(ended_at__isnull=False).exists()
    assert CasePause.objects.filter(ended_at__isnull=True).exists()
    assert Case.objects.filter(breached_at__isnull=False).exists()
    assert Case.objects.filter(answers__status="returned").exists()
    assert Message.objects.filter(case__isnull=True).count() == 0

    out = StringIO()
    call_command("setup", "--demo", "--demo-messages", "2000", "--skip-static", stdout=out)
    second = out.getvalue()
    assert "загрузится в фоне" not in second
    assert Message.objects.count() == 2000
    assert "уже есть" in second
    assert "уже загружены" in second
    assert "Пароли" not in second and "пароли показаны" not in second
