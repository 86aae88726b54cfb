"""The built-in Word templates of the letters about an application, one ``<kind>.docx`` per
LetterKind, written by ``build.py`` and read by gongkai.applications.letters."""
