"""``payment.import`` against literal QuickBooks answers: bill payments of synced bills as Procore invoice
payments (seed 001 "Commitment Payments Issued" mapping), US editions only."""

from __future__ import annotations

import pytest
from sync_helpers import COMPANY, OK, Env, new_env, valid_rs, xml

from connector.sync.payments import CANADA_REASON, PaymentImportHandler, work

BILL = "1A4-1705327200"
OTHER_BILL = "1B0-1705327200"


@pytest.fixture
def env() -> Env:
    e = new_env()
    bill = e.queue.enqueue(COMPANY, "invoice.export", {}, procore_id="7485")
    e.queue.complete(bill, "T0", state="done", status_code="0", message="Status OK",
                     result={"action": "created", "TxnID": BILL, "RefNumber": "ACE-1"})
    return e


def host_rs(country: str = "US") -> str:
    return (f"<HostQueryRs {OK}><HostRet>"
            "<ProductName>QuickBooks Premier Contractor Edition 2024</ProductName>"
            f"<MajorVersion>34</MajorVersion><MinorVersion>0</MinorVersion><Country>{country}</Country>"
            "<SupportedQBXMLVersion>13.0</SupportedQBXMLVersion><IsAutomaticLogin>false</IsAutomaticLogin>"
            "<QBFileMode>SingleUser</QBFileMode></HostRet></HostQueryRs>")


def applied(txn_id: str, ref: str, amount: str) -> str:
    return (f"<AppliedToTxnRet><TxnID>{txn_id}</TxnID><TxnType>Bill</TxnType><TxnDate>2024-02-29</TxnDate>"
            f"<RefNumber>{ref}</RefNumber><BalanceRemaining>0.00</BalanceRemaining><Amount>{amount}</Amount>"
            "</AppliedToTxnRet>")


def check_rs(*applications: str, memo: str = "<Memo>March draw</Memo>") -> str:
    return (f"<BillPaymentCheckQueryRs {OK}><BillPaymentCheckRet><TxnID>9-1705327200</TxnID>"
            "<TimeCreated>2024-03-15T09:00:00-05:00</TimeCreated><TimeModified>2024-03-15T09:00:00-05:00"
            "</TimeModified><EditSequence>1705327201</EditSequence><TxnNumber>9</TxnNumber>"
            "<PayeeEntityRef><FullName>Ace Concrete</FullName></PayeeEntityRef><TxnDate>2024-03-15</TxnDate>"
            "<BankAccountRef><FullName>Checking</FullName></BankAccountRef><Amount>900.00</Amount>"
            f"<RefNumber>1001</RefNumber>{memo}{''.join(applications)}</BillPaymentCheckRet>"
            "</BillPaymentCheckQueryRs>")


CARD_NONE = ('<BillPaymentCreditCardQueryRs statusCode="1" statusSeverity="Info" '
             'statusMessage="A query request did not find a matching object in QuickBooks" />')
CARD_UNSUPPORTED = ('<BillPaymentCreditCardQueryRs statusCode="1030" statusSeverity="Error" '
                    'statusMessage="This request is not supported by this implementation." />')


def test_the_sync_asks_the_edition_and_both_kinds_of_bill_payment_in_one_batch(env: Env) -> None:
    handler = PaymentImportHandler(env.context)
    item = env.queue.enqueue(COMPANY, work().kind, {})
    assert xml(handler.build_request(env.view(item))) == (
        "<HostQueryRq></HostQueryRq><BillPaymentCheckQueryRq></BillPaymentCheckQueryRq>"
        "<BillPaymentCreditCardQueryRq></BillPaymentCreditCardQueryRq>"
    )


def test_only_amounts_applied_to_synced_bills_become_procore_payments_per_the_mapping(env: Env) -> None:
    handler = PaymentImportHandler(env.context)
    item = env.queue.enqueue(COMPANY, work().kind, {})
    answer = [valid_rs(host_rs()), valid_rs(check_rs(applied(BILL, "ACE-1", "400.00"),
                                                     applied(OTHER_BILL, "NOT-PROCORE", "500.00"))),
              valid_rs(CARD_NONE)]
    out = handler.handle_response(env.sent(item), answer)
    assert out.state == "done"
    assert out.result is not None and out.result["payments"] == [{
        "invoice_type": "Billings::Requisition", "invoice_id": 7485, "origin_id": f"9-1705327200|{BILL}",
        "payment_method": "check", "date": "2024-03-15", "invoice_number": "ACE-1", "check_number": "1001",
        "notes": "March draw", "amount": "400.00", "origin_data": "1705327201"}]


def test_a_quickbooks_without_credit_card_bill_payment_queries_is_read_as_having_none(env: Env) -> None:
    handler = PaymentImportHandler(env.context)
    item = env.queue.enqueue(COMPANY, work().kind, {})
    out = handler.handle_response(env.sent(item), [valid_rs(host_rs()), valid_rs(
        check_rs(applied(BILL, "ACE-1", "400.00"), memo="")), valid_rs(CARD_UNSUPPORTED)])
    assert out.state == "done" and out.result is not None and len(out.result["payments"]) == 1


def test_a_canadian_company_file_fails_the_sync_with_the_seeds_reason_and_reads_no_payment(env: Env) -> None:
    handler = PaymentImportHandler(env.context)
    item = env.queue.enqueue(COMPANY, work().kind, {})
    out = handler.handle_response(env.sent(item), [valid_rs(host_rs("CA")), valid_rs(
        check_rs(applied(BILL, "ACE-1", "400.00"))), valid_rs(CARD_NONE)])
    assert (out.state, out.status_code, out.message) == ("failed", "PaymentsNotImportedOutsideUS",
                                                         CANADA_REASON)
    assert "payments" not in (out.result or {})


def test_a_payment_gone_since_the_last_sync_is_reported_deleted(env: Env) -> None:
    handler = PaymentImportHandler(env.context)
    first = env.queue.enqueue(COMPANY, work().kind, {})
    env.apply(first, handler.handle_response(env.sent(first), [
        valid_rs(host_rs()), valid_rs(check_rs(applied(BILL, "ACE-1", "400.00"))), valid_rs(CARD_NONE)]))
    second = env.queue.enqueue(COMPANY, work().kind, {})
    none = ('<BillPaymentCheckQueryRs statusCode="1" statusSeverity="Info" '
            'statusMessage="A query request did not find a matching object in QuickBooks" />')
    out = handler.handle_response(env.sent(second),
                                  [valid_rs(host_rs()), valid_rs(none), valid_rs(CARD_NONE)])
    assert out.result is not None
    assert (out.result["payments"], out.result["deleted"]) == ([], [f"9-1705327200|{BILL}"])


def test_a_payment_edited_in_quickbooks_is_sent_again_under_its_origin_id_with_the_new_values(
        env: Env) -> None:
    handler = PaymentImportHandler(env.context)
    first = env.queue.enqueue(COMPANY, work().kind, {})
    env.apply(first, handler.handle_response(env.sent(first), [
        valid_rs(host_rs()), valid_rs(check_rs(applied(BILL, "ACE-1", "400.00"))), valid_rs(CARD_NONE)]))
    edited = check_rs(applied(BILL, "ACE-1", "450.00"), memo="<Memo>Corrected</Memo>").replace(
        "<EditSequence>1705327201</EditSequence>", "<EditSequence>1705327299</EditSequence>")
    second = env.queue.enqueue(COMPANY, work().kind, {})
    out = handler.handle_response(env.sent(second),
                                  [valid_rs(host_rs()), valid_rs(edited), valid_rs(CARD_NONE)])
    assert out.result is not None and out.result["deleted"] == []
    (payment,) = out.result["payments"]
    assert (payment["origin_id"], payment["amount"], payment["notes"], payment["origin_data"]) == (
        f"9-1705327200|{BILL}", "450.00", "Corrected", "1705327299")
