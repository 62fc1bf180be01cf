"""A production environment that passes every start-up rule (made-up credentials).

Tests change ONE setting of it to check each refusal rule in isolation.
"""

VALID_PRODUCTION = {
    "SKILLPAY_ENV": "production",
    "SKILLPAY_DATABASE_URL": "postgresql+asyncpg://skillpay@db.internal:5432/skillpay",
    "SKILLPAY_PUBLIC_URL": "https://pay.betaskill.co.za",
    "SKILLPAY_JWT_SECRET": "Qm3vK8pR2wL9nH4sT7yB1cF6gJ0dZ5aE-uX",
    "SKILLPAY_GATEWAY": "ikhokha",
    "SKILLPAY_REQUIRE_HTTPS": "true",
    "SKILLPAY_ENABLE_WEBHOOK_VALIDATION": "true",
    "IKHOKHA_API_URL": "https://api.ikhokha.com/public-api/v1/api",
    "IKHOKHA_APP_ID": "AKZ9Q2M4R7PLWN3H",
    "IKHOKHA_APP_SECRET": "k7Hq2vN9pL4mR8sW3jB6",
    "IKHOKHA_WEBHOOK_SECRET": "w4Tz8cY1fQ6hJ2kM9nP5",
    "IKHOKHA_TEST_MODE": "false",
}
