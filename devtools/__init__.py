"""Development tools: the loopback FCM emulator and the demo newsroom.

Nothing production imports lives here, and nothing here is imported by ``config``,
``backend``, ``newsapi`` or ``notifications`` (an import-linter contract checks it).
The tools depend on the apps, never the reverse. Django loads this package as an app
(for ``manage.py seed_demo``) only when ``DEVTOOLS`` is on, which ``DEBUG=1`` implies.
"""
