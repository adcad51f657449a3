"""`manage.py mail_receive [--board KEY] < message`: one message on standard input, for an MTA
to pipe mail to (Postfix `pipe`, Exim's pipe transport, procmail). The exit status follows
sysexits.h, which MTAs read: 0 delivered (or seen before, or kept without a ticket), 67 no board
receives mail at that address (the MTA bounces), 65 no message on the input (bounced), 75 a
temporary failure, the database or anything else (the MTA keeps the message and tries again:
nothing is lost to a bug or an outage)."""

import sys
import traceback

from django.core.management.base import BaseCommand

from mail.services import NoSupportAddress, mail_receive

EX_OK = 0
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Receive one email message from standard input (for an MTA's pipe)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--board",
            metavar="KEY",
            help="The board to deliver to (its support address), whatever the recipients say.",
        )

    def handle(self, *args, board=None, **options):
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self.stderr.write("mail_receive: no message on standard input.")
            sys.exit(EX_DATAERR)
        try:
            received = mail_receive(raw, board_key=board)
        except NoSupportAddress as error:
            self.stderr.write(f"mail_receive: {error}")
            sys.exit(EX_NOUSER)
        except Exception:
            self.stderr.write(f"mail_receive: failed, try again later.\n{traceback.format_exc()}")
            sys.exit(EX_TEMPFAIL)
        email = received.email
        where = f" {received.ticket.reference}" if received.ticket else ""
        why = f" ({email.why})" if email.why else ""
        self.stdout.write(f"{received.outcome}{where}{why}: {email.message_id}")
        sys.exit(EX_OK)
