"""我是房东/管理人: a landlord declares the rooms let at this plate and their tenants."""

from portal.declare.page import FormPage, declaration_page
from portal.declare.sections import complete_rental, rental_section
from shared.declarations.forms import validate_rental
from shared.self_service.submit import submit_rental

declaration_page(
    FormPage(
        kind="landlord",
        heading=("出租房屋登记：我是房东/管理人", "Rental: I am the landlord or manager"),
        section=rental_section,
        complete=complete_rental,
        validate=validate_rental,
        submit=submit_rental,
    )
)
