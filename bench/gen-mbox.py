#!/usr/bin/env python3
"""Generates program mail for the benchmarks (bench/README.md).

Messages from the applicant of a matchguard configuration to the programs
of its registry, written the way real clients write them: NeoMutt plain
text (8bit UTF-8), Gmail multipart/alternative (quoted-printable text and
HTML, sometimes a reply quoting the program's message), and Gmail
multipart/mixed with a small PDF attachment.  Kinds: thank-you notes the
day after the interview, updates, interest letters, replies about
scheduling, and a little mail that is not program mail.  Dates run through
the season in order.  The same seed gives the same bytes.

    gen-mbox.py --config DIR --count N --mbox FILE      one mbox (mboxrd)
    gen-mbox.py --config DIR --count N --split DIR      DIR/NNNN.eml, and
        DIR/recipients: "NNNN.eml<TAB>address" per line (the envelope)
    --exclude ID[,ID]   no mail to these programs (the ledger prefill keeps
                        the benchmarked message's program out of history)
    --clean             program mail only, no attachments (the prefill)
    --seed S            default 1

DIR holds matchguard.conf and the registry files it names.  Standard
library only.
"""
import argparse
import base64
import configparser
import datetime
import html
import os
import quopri
import random
import sys
import textwrap
import zlib


def read_config(directory):
    """The applicant and the programs of matchguard.conf and its registry."""
    def load(path):
        parser = configparser.RawConfigParser(strict=False, comment_prefixes=('#',),
                                              inline_comment_prefixes=None,
                                              delimiters=('=',))
        parser.optionxform = str
        with open(path, encoding='utf-8') as f:
            parser.read_file(f)
        return parser

    main = load(os.path.join(directory, 'matchguard.conf'))
    applicant = dict(main['applicant'])
    parsers = [main]
    if main.has_section('registry') and main['registry'].get('files'):
        for name in main['registry']['files'].split(';'):
            if name.strip():
                parsers.append(load(os.path.join(directory, name.strip())))
    programs = []
    for parser in parsers:
        for section in parser.sections():
            if not section.startswith('program:'):
                continue
            p = dict(parser[section])
            contacts = []
            for c in p.get('contacts', '').split(';'):
                c = c.strip()
                if '<' in c:
                    name, addr = c.split('<', 1)
                    contacts.append((name.strip(), addr.rstrip('>').strip()))
            aliases = [a.strip() for a in p.get('aliases', '').split(';') if a.strip()]
            programs.append({
                'id': section[len('program:'):],
                'name': p['name'],
                'alias': aliases[0] if aliases else p['name'],
                'address': p.get('addresses', '').split(';')[0].strip(),
                'contacts': contacts,
                'interview': (datetime.date.fromisoformat(p['interview'].strip())
                              if p.get('interview', '').strip() else None),
                'nrmp': p.get('nrmp', 'true').strip() == 'true',
                'track': p.get('track', '').strip(),
                'no_contact': p.get('post_interview_contact', 'yes').strip() == 'no',
            })
    return applicant, programs


TOPICS = [
    "the resident-run IR clinic", "the graduated autonomy in the second year",
    "the Y-90 radioembolization program", "the prostatic artery embolization service",
    "the new hybrid angiography suite", "the dedicated research block",
    "the interventional oncology tumour board", "the pediatric IR rotation",
    "the venous and lymphatic intervention work", "the trauma embolization call",
    "the mentorship programme for first-year residents", "the simulation curriculum",
]
UPDATES = [
    "our retrospective study of genicular artery embolization has been accepted for publication",
    "I passed USMLE Step 3 last week",
    "my ECFMG certification is now complete",
    "I presented a poster on uterine fibroid embolization outcomes at the regional IR meeting",
    "I finished a four-week sub-internship in vascular and interventional radiology",
    "our case report on a ruptured splenic artery aneurysm was published online",
    "I started a research elective on transarterial chemoembolization outcomes",
    "I received my H-1B eligibility letter from the hospital's international office",
    "our quality improvement project on contrast nephropathy prevention won the departmental award",
    "I completed the Society of Interventional Radiology's online anatomy course",
]
CLOSINGS = ["Best regards,", "Sincerely,", "Kind regards,", "With best wishes,"]
FRIENDS = [("Ana Castillo", "ana.castillo@mail.example.com"),
           ("Rahul Menon", "rahul.menon@mail.example.net"),
           ("Marta Reyes", "marta.reyes@family.example.org")]


def paragraph_fill(text, width=72):
    return '\n'.join(textwrap.wrap(text, width))


class Generator:
    def __init__(self, applicant, programs, seed):
        self.applicant = applicant
        self.programs = programs
        self.rng = random.Random(seed)
        self.serial = 0

    def pick(self, items, k=1):
        return self.rng.sample(items, k) if k > 1 else self.rng.choice(items)

    def message_id(self, domain):
        self.serial += 1
        token = ''.join(self.rng.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(16))
        return '<%s.%d@%s>' % (token, self.serial, domain)

    def signature(self):
        a = self.applicant
        return "-- \n%s, MD\nAAMC ID: %s\nInternational Medical Graduate" % (a['name'], a['aamc_id'])

    def first_name(self):
        return self.applicant['name'].split()[0]

    # --- the authored text of each kind --------------------------------
    def thank_you(self, program, contact, when):
        t1, t2 = self.pick(TOPICS, 2)
        day = program['interview'].strftime('%B %-d')
        return [
            "Dear %s," % contact_title(contact),
            "Thank you for taking the time to speak with me during my interview at %s on %s. "
            "I especially enjoyed learning about %s, and our conversation about %s stayed with me "
            "on the way home." % (program['alias'], day, t1, t2),
            "Meeting the residents confirmed how much I would value training in a program that "
            "invests so much in teaching. I appreciate the time you and your team gave to the "
            "applicants, and I hope to stay in touch.",
            "%s\n%s" % (self.pick(CLOSINGS), self.first_name()),
        ]

    def update(self, program, contact, when):
        u1, u2 = self.pick(UPDATES, 2)
        t = self.pick(TOPICS)
        return [
            "Dear %s," % contact_title(contact),
            "I am writing with a brief update to my application to %s. Since I applied, %s, "
            "and %s." % (program['alias'], u1, u2),
            "I continue to follow %s closely, and I would be glad to discuss this work with "
            "you." % t,
            "%s\n%s" % (self.pick(CLOSINGS), self.applicant['name']),
        ]

    def interest(self, program, contact, when):
        t1, t2 = self.pick(TOPICS, 2)
        return [
            "Dear %s," % contact_title(contact),
            "My name is %s (AAMC ID %s), and I am an international medical graduate applying "
            "to %s this cycle. I remain very interested in the program, in particular %s and "
            "%s." % (self.applicant['name'], self.applicant['aamc_id'], program['alias'], t1, t2),
            "I would welcome the opportunity to learn more about the residency.",
            "%s\n%s" % (self.pick(CLOSINGS), self.applicant['name']),
        ]

    def scheduling(self, program, contact, when):
        day = (program['interview'] or when.date()).strftime('%A, %B %-d')
        return [
            "Dear %s," % contact_title(contact),
            "Thank you for the invitation to interview with %s. I would be glad to interview on "
            "%s, and I have completed the scheduling form." % (program['alias'], day),
            "%s\n%s" % (self.pick(CLOSINGS), self.first_name()),
        ]

    def friend(self, friend, when):
        return [
            "Hi %s," % friend[0].split()[0],
            "The interview went well, I think. The residents were friendly and the city is "
            "lovely in the autumn. Are we still on for dinner on Friday? I can bring the "
            "photos from the trip.",
            "Talk soon,\n%s" % self.first_name(),
        ]

    # --- formats -------------------------------------------------------
    def headers(self, when, to, subject, mid, extra=()):
        a = self.applicant
        lines = ["Date: %s" % when.strftime('%a, %d %b %Y %H:%M:%S %z'),
                 "From: %s <%s>" % (a['name'], a['email']),
                 "To: %s" % to,
                 "Subject: %s" % subject,
                 "Message-ID: %s" % mid]
        lines.extend(extra)
        lines.append("MIME-Version: 1.0")
        return lines

    def neomutt(self, when, to, subject, paragraphs, extra=()):
        body = '\n\n'.join(paragraph_fill(p) if '\n' not in p else p for p in paragraphs)
        body += '\n\n' + self.signature() + '\n'
        h = self.headers(when, to, subject, self.message_id('laptop.' + self.applicant['email'].split('@')[1]), extra)
        h += ["Content-Type: text/plain; charset=utf-8", "Content-Disposition: inline",
              "Content-Transfer-Encoding: 8bit", "User-Agent: NeoMutt/20231103"]
        return '\n'.join(h) + '\n\n' + body

    def gmail_alternative(self, paragraphs, quoted=None):
        plain = '\n\n'.join(paragraphs) + '\n\n' + self.signature() + '\n'
        html_body = '<div dir="ltr">' + ''.join(
            '<div>%s</div><div><br></div>' % html.escape(p, quote=False).replace('\n', '<br>')
            for p in paragraphs) + (
            '<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature">'
            '%s</div></div>' % html.escape(self.signature()[3:], quote=False).replace('\n', '<br>'))
        if quoted is not None:
            attribution, qparas = quoted
            plain += '\n' + attribution + '\n\n' + '\n>\n'.join(
                textwrap.fill(p, 72, initial_indent='> ', subsequent_indent='> ') for p in qparas) + '\n'
            html_body += ('<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">%s<br></div>'
                          '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
                          'border-left:1px solid rgb(204,204,204);padding-left:1ex">%s</blockquote></div>'
                          % (html.escape(attribution.replace('\n', ' '), quote=False),
                             ''.join('<div>%s</div>' % html.escape(p, quote=False) for p in qparas)))
        boundary = '0000000000%016x' % self.rng.getrandbits(64)
        return ('multipart/alternative; boundary="%s"' % boundary,
                '--%s\nContent-Type: text/plain; charset="UTF-8"\n'
                'Content-Transfer-Encoding: quoted-printable\n\n%s\n'
                '--%s\nContent-Type: text/html; charset="UTF-8"\n'
                'Content-Transfer-Encoding: quoted-printable\n\n%s\n--%s--\n'
                % (boundary, qp(plain), boundary, qp(html_body + '\n'), boundary))

    def gmail(self, when, to, subject, paragraphs, extra=(), quoted=None, attachment=False):
        h = self.headers(when, to, subject, self.message_id('mail.gmail.com'), extra)
        ctype, body = self.gmail_alternative(paragraphs, quoted)
        if attachment:
            outer = '0000000000%016x' % self.rng.getrandbits(64)
            pdf = small_pdf(self.rng, self.applicant['name'])
            body = ('--%s\nContent-Type: %s\n\n%s\n--%s\n'
                    'Content-Type: application/pdf; name="CV.pdf"\n'
                    'Content-Disposition: attachment; filename="CV.pdf"\n'
                    'Content-Transfer-Encoding: base64\n\n%s--%s--\n'
                    % (outer, ctype, body, outer, base64.encodebytes(pdf).decode('ascii'), outer))
            ctype = 'multipart/mixed; boundary="%s"' % outer
        return '\n'.join(h) + '\nContent-Type: %s\n\n' % ctype + body

    # --- one message ---------------------------------------------------
    def message(self, when, program, clean):
        a = self.applicant
        if program is None:
            friend = self.pick(FRIENDS)
            return (friend[1], self.neomutt(when, '%s <%s>' % friend, "Dinner on Friday",
                                            self.friend(friend, when)))
        contact = self.pick(program['contacts']) if program['contacts'] else ('Program Director', program['address'])
        to = '"%s" <%s>' % contact if contact[0].startswith('Dr.') else '%s <%s>' % contact
        interviewed = program['interview'] is not None and when.date() > program['interview']
        if interviewed and program['interview'] + datetime.timedelta(days=1) == when.date():
            kind = 'thank-you'
        elif interviewed:
            kind = 'update'
        else:
            kind = self.pick(['interest', 'update', 'scheduling'])
        paragraphs = getattr(self, kind.replace('-', '_'))(program, contact, when)
        subject = {
            'thank-you': "Thank you - %s interview" % program['alias'],
            'update': "Application update - %s (AAMC ID %s)" % (a['name'], a['aamc_id']),
            'interest': "Interest in %s - %s" % (program['alias'], a['name']),
            'scheduling': "Re: %s interview invitation" % program['alias'],
        }[kind]
        extra, quoted = (), None
        if kind == 'scheduling':
            parent = self.message_id(program['address'].split('@')[1])
            extra = ("In-Reply-To: %s" % parent, "References: %s" % parent)
            quoted = ("On %s %s <%s>\nwrote:" % ((when - datetime.timedelta(days=2)).strftime('%a, %b %-d, %Y at %-I:%M %p'),
                                                contact[0].replace('Dr. ', ''), contact[1]),
                      ["Dear Dr. %s," % a['name'].split()[-1],
                       "Thank you for your application to %s. We are pleased to invite you to "
                       "interview with us. Please choose a date on the scheduling form by the end "
                       "of the week." % program['name'],
                       "Best wishes,", contact[0]])
        style = self.rng.random()
        if style < 0.45:
            text = self.neomutt(when, to, subject, paragraphs, extra)
        else:
            attach = not clean and kind == 'update' and style > 0.85
            text = self.gmail(when, to, subject, paragraphs, extra, quoted, attach)
        return contact[1], text


def contact_title(contact):
    name = contact[0]
    if name.startswith('Dr. '):
        return 'Dr. ' + name.split()[-1]
    return 'Program Director' if '@' in name or not name else 'Mx. ' + name.split()[-1]


def qp(text):
    data = text.replace('\n', '\r\n').encode('utf-8')
    return quopri.encodestring(data).decode('ascii').replace('\r\n', '\n').replace('=0D\n', '\n')


def small_pdf(rng, name):
    content = zlib.compress(("BT /F1 11 Tf 72 740 Td (%s - Curriculum Vitae) Tj ET\n" % name).encode() * 20)
    image = rng.randbytes(rng.randrange(6000, 14000))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length %d >>\nstream\n" % len(image)
            + image + b"\nendstream"]
    pdf = b"%PDF-1.4\n"
    for i, o in enumerate(objs, 1):
        pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    return pdf + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--config', required=True)
    ap.add_argument('--count', type=int, default=500)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--exclude', default='')
    ap.add_argument('--clean', action='store_true')
    out = ap.add_mutually_exclusive_group(required=True)
    out.add_argument('--mbox')
    out.add_argument('--split')
    args = ap.parse_args()

    applicant, programs = read_config(args.config)
    excluded = {x for x in args.exclude.split(',') if x}
    # Programs outside the Match and those that asked not to be written to
    # are left out: the mail here is what a careful applicant sends.
    programs = [p for p in programs if p['id'] not in excluded and p['nrmp']
                and not p['no_contact'] and p['address']]
    if not programs:
        sys.exit('gen-mbox.py: no program left to write to')
    gen = Generator(applicant, programs, args.seed)
    tz = datetime.timezone(datetime.timedelta(hours=-5))
    start = datetime.datetime(2026, 9, 25, 9, 0, tzinfo=tz)
    step = datetime.timedelta(minutes=(150 * 24 * 60) // max(args.count, 1))
    if args.split:
        os.makedirs(args.split, exist_ok=True)
        manifest = open(os.path.join(args.split, 'recipients'), 'w')
    else:
        mbox = open(args.mbox, 'w', encoding='utf-8', newline='\n')
    for i in range(args.count):
        when = start + i * step + datetime.timedelta(minutes=gen.rng.randrange(0, 60))
        # A thank-you note goes out the day after an interview that falls
        # in this step; otherwise any program, and now and then a friend.
        due = [p for p in programs if p['interview'] is not None
               and p['interview'] + datetime.timedelta(days=1) == when.date()]
        if due and gen.rng.random() < 0.5:
            program = gen.pick(due)
        elif not args.clean and gen.rng.random() < 0.08:
            program = None
        else:
            program = gen.pick(programs)
        rcpt, text = gen.message(when, program, args.clean)
        if args.split:
            name = '%04d.eml' % (i + 1)
            with open(os.path.join(args.split, name), 'w', encoding='utf-8', newline='\n') as f:
                f.write(text)
            manifest.write('%s\t%s\n' % (name, rcpt))
        else:
            # mboxrd: "From " lines, and ">From " quoting of body lines.
            body = '\n'.join('>' + line if line.lstrip('>').startswith('From ') else line
                             for line in text.split('\n'))
            mbox.write('From %s %s\n%s\n' % (applicant['email'], when.strftime('%a %b %d %H:%M:%S %Y'),
                                             body.rstrip('\n') + '\n'))
    (manifest if args.split else mbox).close()


if __name__ == '__main__':
    main()
