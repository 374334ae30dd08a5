"""Every page names its icon, served from the application's own static files (the CSP's
``img-src 'self'``): before, browsers asked for /favicon.ico on every page and got a 404."""


def test_pages_link_an_icon_that_is_served(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    with client.get("/static/img/favicon.svg") as icon:  # a file response: closed after use
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg")
