"""我住在这里: a tenant declares their own residence (with family) in a room of this plate."""

from portal.declare.page import FormPage, declaration_page
from portal.declare.sections import residence_section
from shared.declarations.forms import validate_residence
from shared.self_service.submit import submit_residence

declaration_page(
    FormPage(
        kind="tenant",
        heading=("居住登记：我住在这里", "Residence: I live here"),
        section=residence_section,
        validate=validate_residence,
        submit=submit_residence,
    )
)
