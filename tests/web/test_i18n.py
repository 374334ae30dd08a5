"""The templates' translation calls: gettext and plural forms with their variables."""

from flask import render_template_string


def test_a_plural_with_another_variable_than_num_renders(app):
    template = (
        '{{ ngettext("%(num)d copie sur %(total)d", "%(num)d copies sur %(total)d", n, total=5) }}'
    )
    with app.test_request_context():
        assert render_template_string(template, n=1) == "1 copie sur 5"
        assert render_template_string(template, n=3) == "3 copies sur 5"


def test_a_literal_per_cent_sign_is_written_once(app):
    with app.test_request_context():
        assert render_template_string('{{ _("60 %% au moins") }}') == "60 % au moins"
        rendered = render_template_string(
            '{{ ngettext("%(num)d point à 100 %%", "%(num)d points à 100 %%", 2) }}'
        )
        assert rendered == "2 points à 100 %"
