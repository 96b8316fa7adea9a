"""What edition of QuickBooks Desktop the company file is opened in: country, year, product.

HostQuery answers from here. Facts and choices:

* Year → MajorVersion: QuickBooks 2024 is internal version 34 (R-releases 34.0), 2023 → 33, 2022 →
  32, … (the Web Connector versions 31–34 in seed 001 track the same numbering). Enterprise names its
  releases "Enterprise Solutions 24.0" for 2024.
* Supported qbXML versions per year: SDK 9.0 shipped with QuickBooks 2010, 10.0 with 2011 … 13.0
  with QuickBooks 2014; 14.0 is supported from QuickBooks 2021, 15.0 from 2022 and 16.0 from 2023
  (Intuit SDK release notes as recalled — not in the stored sources, so treat the boundaries as a
  chosen approximation). The list starts at 1.0
  as real HostRets do. Canadian editions also list "CA2.0"/"CA3.0" (seen in real CA HostRets).
* Products: Pro, Premier Contractor, Enterprise Contractor, Accountant (supported by Procore, seed 001),
  and "Mac" (QuickBooks Desktop for Mac has no SDK: the request processor is not there — the fake
  refuses sessions with 0x80040408, "Could not start QuickBooks.").
"""

from __future__ import annotations

from dataclasses import dataclass

PRODUCTS = ("Pro", "Premier Contractor", "Enterprise Contractor", "Accountant", "Mac")
COUNTRIES = ("US", "CA")
_BASE_VERSIONS = ["1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0",
                  "10.0", "11.0", "12.0", "13.0"]
_NEWER = {2021: ["14.0"], 2022: ["14.0", "15.0"], 2023: ["14.0", "15.0", "16.0"]}
KNOWN_VERSIONS = frozenset(_BASE_VERSIONS + ["14.0", "15.0", "16.0", "CA2.0", "CA3.0"])


@dataclass(frozen=True)
class Edition:
    """Country, release year and product of the QuickBooks that has the file open."""

    country: str = "US"
    year: int = 2024
    product: str = "Premier Contractor"

    def __post_init__(self) -> None:
        if self.country not in COUNTRIES:
            raise ValueError(f"country must be one of {COUNTRIES}")
        if self.product not in PRODUCTS:
            raise ValueError(f"product must be one of {PRODUCTS}")
        if not 2010 <= self.year <= 2030:
            raise ValueError("year must be a QuickBooks release year (2010-2030)")

    @property
    def major_version(self) -> str:
        return str(self.year - 1990)

    @property
    def product_name(self) -> str:
        """HostRet ProductName (real forms: "QuickBooks Pro 2019", "QuickBooks Enterprise Solutions:
        Contractor 24.0"; the Premier/Accountant spellings follow the same pattern)."""
        ca = " Canadian Edition" if self.country == "CA" else ""
        if self.product == "Pro":
            return f"QuickBooks Pro {self.year}{ca}"
        if self.product == "Premier Contractor":
            return f"QuickBooks Premier Contractor Edition {self.year}{ca}"
        if self.product == "Enterprise Contractor":
            return f"QuickBooks Enterprise Solutions: Contractor {self.year - 2000}.0{ca}"
        if self.product == "Accountant":
            return f"QuickBooks Accountant Desktop {self.year}{ca}"
        return f"QuickBooks Desktop for Mac {self.year}"

    @property
    def has_sdk(self) -> bool:
        """QuickBooks for Mac has no qbXML request processor."""
        return self.product != "Mac"

    def supported_versions(self) -> list[str]:
        # SDK N.0 shipped with QuickBooks 2001+N up to 13.0 (2014): a 2012 file tops out at 11.0
        top = min(self.year - 2001, 13)
        versions = [v for v in _BASE_VERSIONS if float(v) < top + 1]
        newer = [] if self.year < 2021 else _NEWER[min(self.year, 2023)]
        versions.extend(newer)
        if self.country == "CA":
            versions = versions[:4] + ["CA2.0", "CA3.0"] + versions[4:]
        return versions

    def supports(self, version: str) -> bool:
        return version in self.supported_versions()

    @property
    def is_procore_supported(self) -> bool:
        """Seed 001: US/CA Desktop 2022–2024 Pro/Premier/Enterprise/Accountant; not 2021-, not Mac."""
        return self.has_sdk and 2022 <= self.year <= 2024


def default_preferences(edition: Edition) -> dict[str, object]:
    """A new company file's Preferences (PreferencesRet-shaped; inventory/POs off, as QuickBooks ships).

    Every section a real PreferencesRet of a new file carries, with QuickBooks' defaults as its
    Preferences windows show them (chosen values, not a stored capture): price levels on with rounding,
    payments auto-applied, reimbursed expenses not tracked as income; no serial/lot numbers, FIFO,
    barcodes or multiple inventory sites (Enterprise Advanced Inventory, a subscription a new file
    does not have).
    """
    return {
        "AccountingPreferences": {
            "IsUsingAccountNumbers": "false",
            "IsRequiringAccounts": "true",
            "IsUsingClassTracking": "false",
            "IsUsingAuditTrail": "true",
            "IsAssigningJournalEntryNumbers": "true",
        },
        "FinanceChargePreferences": {
            "GracePeriod": "0",
            "IsAssessingForOverdueCharges": "false",
            "CalculateChargesFrom": "DueDate",
            "IsMarkedToBePrinted": "false",
        },
        "JobsAndEstimatesPreferences": {
            "IsUsingEstimates": "true",
            "IsUsingProgressInvoicing": "true",
            "IsPrintingItemsWithZeroAmounts": "false",
        },
        "MultiCurrencyPreferences": {"IsMultiCurrencyOn": "false"},
        "MultiLocationInventoryPreferences": {
            "IsMultiLocationInventoryAvailable": "false",
            "IsMultiLocationInventoryEnabled": "false",
        },
        "PurchasesAndVendorsPreferences": {
            # "Inventory and purchase orders are active" (Edit > Preferences > Items & Inventory).
            "IsUsingInventory": "false",
            "DaysBillsAreDue": "10",
            "IsAutomaticallyUsingDiscounts": "false",
        },
        "ReportsPreferences": {"AgingReportBasis": "AgeFromDueDate", "SummaryReportBasis": "Accrual"},
        "SalesAndCustomersPreferences": {
            "IsTrackingReimbursedExpensesAsIncome": "false",
            "IsAutoApplyingPayments": "true",
            "PriceLevels": {"IsUsingPriceLevels": "true", "IsRoundingSalesPriceUp": "true"},
        },
        "TimeTrackingPreferences": {"FirstDayOfWeek": "Monday"},
        "CurrentAppAccessRights": {
            "IsAutomaticLoginAllowed": "false",
            "IsPersonalDataAccessAllowed": "false",
        },
        "ItemsAndInventoryPreferences": {
            "EnhancedInventoryReceivingEnabled": "false",
            "IsTrackingSerialOrLotNumber": "None",
            "FIFOEnabled": "false",
            "IsRSBEnabled": "false",
            "IsBarcodeEnabled": "false",
        },
    }
