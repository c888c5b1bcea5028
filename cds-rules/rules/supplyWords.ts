// Words that mark a supply or device named after a drug ("insulin pump supplies", "insulin syringes"):
// such a record is not the drug itself, so it never fires a medication rule by name.
export const SUPPLY_WORDS = [
  'pump', 'supplies', 'supply', 'syringe', 'syringes', 'pen needle', 'pen needles', 'needles', 'test strip', 'test strips',
  'lancet', 'lancets', 'glucometer', 'meter', 'sharps container', 'infusion set', 'reservoir', 'cooling case', 'education',
] as const;
