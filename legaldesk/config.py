"""Safe default settings; overridden by instance/config.py, then LEGALDESK_* variables."""

DEV_SECRET_KEY = "dev-only-not-secret"

# Flask / security
SECRET_KEY = DEV_SECRET_KEY
DEPLOYMENT = "development"  # "production" refuses to start with the dev SECRET_KEY
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

# Login protection
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_MINUTES = 15

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
