/**
 * Word pools for realistic claim drafts. Every person, street and employer here is invented.
 * Cities, states, area codes and union names are public facts, not personal data.
 */

export const firstNames = [
  "María", "José", "Zoë", "Chloé", "Renée", "François", "Björn", "Siobhan", "Aaliyah", "DeShawn",
  "Nguyễn Thị", "Minh", "Wei", "Mei-Ling", "Hiroshi", "Ji-woo", "Priya", "Mohammed", "Fatima", "Olúwaseun",
  "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "David", "Elizabeth", "Ángel", "Joaquín"
] as const

export const lastNames = [
  "García", "Hernández", "Nguyễn", "Trần", "Smith", "Johnson", "O'Brien", "Müller", "Kowalski", "Núñez",
  "Chen", "Wang", "Kim", "Park", "Patel", "Okafor", "Al-Sayed", "St. Clair", "Lefèvre", "Washington",
  "Brown", "Davis", "Martínez", "Rodríguez", "López", "Yamamoto", "Smith-Jones", "Østergaard", "Williams", "Begay"
] as const

export const streetNames = [
  "Maple", "Oak", "Cedar", "Elm", "Washington", "Lincoln", "Mission", "Calle Real", "Peachtree", "Lakeview",
  "Sunset", "Martin Luther King Jr", "Río Grande", "Franklin", "Jefferson", "Harbor", "Ridge", "Prospect"
] as const

export const streetSuffixes = ["St", "Ave", "Blvd", "Rd", "Dr", "Ln", "Ct", "Way", "Pl"] as const

export const unitPrefixes = ["Apt", "Unit", "Ste", "#", "Lot"] as const

/** A city with its state, the first three digits of its ZIP codes and one of its area codes. */
export interface CityRecord {
  readonly city: string
  readonly state: string
  readonly zipPrefix: string
  readonly areaCode: string
}

export const cities: ReadonlyArray<CityRecord> = [
  { city: "Fresno", state: "CA", zipPrefix: "937", areaCode: "559" },
  { city: "Los Angeles", state: "CA", zipPrefix: "900", areaCode: "213" },
  { city: "San José", state: "CA", zipPrefix: "951", areaCode: "408" },
  { city: "El Paso", state: "TX", zipPrefix: "799", areaCode: "915" },
  { city: "Houston", state: "TX", zipPrefix: "770", areaCode: "713" },
  { city: "Miami", state: "FL", zipPrefix: "331", areaCode: "305" },
  { city: "Brooklyn", state: "NY", zipPrefix: "112", areaCode: "718" },
  { city: "Buffalo", state: "NY", zipPrefix: "142", areaCode: "716" },
  { city: "Detroit", state: "MI", zipPrefix: "482", areaCode: "313" },
  { city: "Chicago", state: "IL", zipPrefix: "606", areaCode: "312" },
  { city: "Gallup", state: "NM", zipPrefix: "873", areaCode: "505" },
  { city: "Seattle", state: "WA", zipPrefix: "981", areaCode: "206" },
  { city: "Atlanta", state: "GA", zipPrefix: "303", areaCode: "404" },
  { city: "Cleveland", state: "OH", zipPrefix: "441", areaCode: "216" },
  { city: "Anchorage", state: "AK", zipPrefix: "995", areaCode: "907" },
  { city: "Honolulu", state: "HI", zipPrefix: "968", areaCode: "808" },
  { city: "San Juan", state: "PR", zipPrefix: "009", areaCode: "787" },
  { city: "Washington", state: "DC", zipPrefix: "200", areaCode: "202" }
]

export const employerNames = [
  "Bluewater Logistics LLC", "Cedar Ridge Medical Center", "Sunrise Diner", "Pinecrest Unified School District",
  "Três Irmãos Bakery", "Golden Dragon Restaurant 金龙酒家", "Northside Auto Body", "Lakeshore Hotel & Suites",
  "Summit Call Center Inc.", "Riverbend Poultry Processing", "Café Olé", "Keystone Construction Co.",
  "Mercado La Esperanza", "Evergreen Home Care Services", "Apex Retail Distribution", "Harborview Seafood Co."
] as const

export const unionNames = [
  "International Brotherhood of Electrical Workers",
  "United Food and Commercial Workers",
  "Service Employees International Union",
  "International Brotherhood of Teamsters",
  "UNITE HERE",
  "United Auto Workers",
  "Laborers' International Union of North America",
  "International Longshore and Warehouse Union"
] as const

export const trainingPrograms = [
  "Commercial Driver's License (CDL) Class A",
  "Certified Nursing Assistant",
  "Welding Technology Certificate",
  "IT Support Professional Certificate",
  "HVAC Installation and Repair",
  "English as a Second Language (ESL)"
] as const

export const pensionPayers = [
  "Teamsters Western Conference Pension Trust",
  "State Teachers' Retirement System",
  "Keystone Construction Co. 401(k) Plan",
  "Social Security Administration"
] as const
