"""单位申报: an organisation's manager declares it at this plate."""

from portal.declare.page import FormPage, declaration_page
from portal.declare.sections import organisation_section
from shared.declarations.forms import validate_organisation
from shared.self_service.submit import submit_organisation

declaration_page(
    FormPage(
        kind="organisation",
        heading=("单位登记", "Organisation at this address"),
        section=organisation_section,
        validate=validate_organisation,
        submit=submit_organisation,
        needs_rooms=False,
    )
)
