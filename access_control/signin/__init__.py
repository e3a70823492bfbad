"""Signing in to the web site: password check, throttling, the session, and the seam
where single sign-on (OIDC) will plug in (:mod:`access_control.signin.sso`)."""
