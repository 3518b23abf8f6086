"""Refer a friend: nobody refers themselves, a friend is a new customer."""

import pytest
from flexi_loyalty_tools.referral import REFUSALS, contact_keys, email_key, refusal


def _person(partner, emails=(), phones=(), **flags):
    keys, numbers = contact_keys(emails, phones)
    return {"partner": partner, "emails": keys, "phones": numbers, **flags}


AMINA = _person(1, ["amina@example.com"], ["+213550123456"])


@pytest.mark.parametrize(
    "typed",
    [
        "amina@example.com",
        " Amina@Example.COM ",
        "amina+friends@example.com",
        "AMINA+a+b@example.com",
    ],
)
def test_email_key_reads_the_mailbox(typed):
    assert email_key(typed) == "amina@example.com"


def test_email_key_ignores_dots_only_where_the_provider_does():
    assert email_key("a.mina@gmail.com") == "amina@gmail.com"
    assert email_key("A.Mina+x@googlemail.com") == "amina@gmail.com"
    # Elsewhere a dot makes another mailbox.
    assert email_key("a.mina@example.com") == "a.mina@example.com"


@pytest.mark.parametrize("typed", ["", None, "amina", "@example.com", "+x@example.com"])
def test_email_key_of_no_address_is_none(typed):
    assert email_key(typed) is None


def test_a_new_customer_with_other_contacts_may_be_referred():
    friend = _person(2, ["karim@example.com"], ["+213661000000"])
    assert refusal(AMINA, friend) is None


def test_the_member_cannot_refer_themselves():
    assert refusal(AMINA, _person(1)) == "same_customer"


def test_another_account_with_the_members_mailbox_is_refused():
    friend = _person(3, ["Amina+shop@Example.com"], ["+213661000000"])
    assert refusal(AMINA, friend) == "same_email"


def test_another_account_with_the_members_mobile_is_refused():
    friend = _person(3, ["other@example.com"], ["+213550123456"])
    assert refusal(AMINA, friend) == "same_phone"


def test_an_existing_customer_is_no_new_friend():
    friend = _person(4, ["karim@example.com"], customer=True)
    assert refusal(AMINA, friend) == "existing_customer"


def test_a_friend_is_referred_once():
    friend = _person(4, ["karim@example.com"], referred=True)
    assert refusal(AMINA, friend) == "already_referred"


def test_blank_contacts_never_match():
    referrer = _person(1, ["", None], [None, ""])
    friend = _person(2, ["", None], [None])
    assert refusal(referrer, friend) is None


def test_self_referral_is_reported_before_being_a_customer():
    # The clearest reason comes first: a member ordering with their own code.
    assert REFUSALS.index("same_customer") < REFUSALS.index("existing_customer")
    assert refusal(AMINA, _person(1, customer=True)) == "same_customer"
