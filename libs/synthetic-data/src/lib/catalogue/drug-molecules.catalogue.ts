/**
 * Molecules the synthetic catalogue is built from. Prices are per-unit AWP in dollars (a range:
 * each labeler's NDC lands somewhere inside it), roughly where list prices sit; `perMonth` is the
 * quantity dispensed for 30 days. `pack: true` means a fixed package per fill (pens, inhalers,
 * specialty) rather than units x days; `acuteDays` marks short courses filled at retail only.
 */
export interface Molecule {
  readonly name: string;
  readonly strengths: readonly string[];
  readonly form: string;
  readonly awp: readonly [number, number];
  readonly perMonth: number;
  readonly pack?: boolean;
  readonly acuteDays?: number;
}

export const genericMolecules: readonly Molecule[] = [
  { name: 'Atorvastatin Calcium', strengths: ['10 mg', '20 mg', '40 mg', '80 mg'], form: 'Tablet', awp: [0.6, 2.4], perMonth: 30 },
  { name: 'Lisinopril', strengths: ['5 mg', '10 mg', '20 mg', '40 mg'], form: 'Tablet', awp: [0.2, 0.6], perMonth: 30 },
  { name: 'Metformin HCl', strengths: ['500 mg', '850 mg', '1000 mg'], form: 'Tablet', awp: [0.15, 0.5], perMonth: 60 },
  { name: 'Amlodipine Besylate', strengths: ['2.5 mg', '5 mg', '10 mg'], form: 'Tablet', awp: [0.2, 0.8], perMonth: 30 },
  { name: 'Levothyroxine Sodium', strengths: ['25 mcg', '50 mcg', '75 mcg', '100 mcg'], form: 'Tablet', awp: [0.4, 1.2], perMonth: 30 },
  { name: 'Omeprazole', strengths: ['20 mg', '40 mg'], form: 'Capsule DR', awp: [0.8, 2.5], perMonth: 30 },
  { name: 'Losartan Potassium', strengths: ['25 mg', '50 mg', '100 mg'], form: 'Tablet', awp: [0.5, 1.6], perMonth: 30 },
  { name: 'Simvastatin', strengths: ['20 mg', '40 mg'], form: 'Tablet', awp: [0.3, 1.1], perMonth: 30 },
  { name: 'Hydrochlorothiazide', strengths: ['12.5 mg', '25 mg'], form: 'Tablet', awp: [0.15, 0.45], perMonth: 30 },
  { name: 'Sertraline HCl', strengths: ['50 mg', '100 mg'], form: 'Tablet', awp: [0.5, 1.8], perMonth: 30 },
  { name: 'Escitalopram Oxalate', strengths: ['10 mg', '20 mg'], form: 'Tablet', awp: [0.6, 2.9], perMonth: 30 },
  { name: 'Gabapentin', strengths: ['300 mg', '600 mg'], form: 'Capsule', awp: [0.3, 1.4], perMonth: 90 },
  { name: 'Montelukast Sodium', strengths: ['10 mg'], form: 'Tablet', awp: [1.2, 3.8], perMonth: 30 },
  { name: 'Rosuvastatin Calcium', strengths: ['5 mg', '10 mg', '20 mg'], form: 'Tablet', awp: [0.9, 4.5], perMonth: 30 },
  { name: 'Pantoprazole Sodium', strengths: ['20 mg', '40 mg'], form: 'Tablet DR', awp: [0.9, 3.6], perMonth: 30 },
  { name: 'Metoprolol Succinate ER', strengths: ['25 mg', '50 mg', '100 mg'], form: 'Tablet ER', awp: [0.7, 1.9], perMonth: 30 },
  { name: 'Bupropion XL', strengths: ['150 mg', '300 mg'], form: 'Tablet ER', awp: [1.4, 5.2], perMonth: 30 },
  { name: 'Fluoxetine HCl', strengths: ['20 mg', '40 mg'], form: 'Capsule', awp: [0.4, 1.5], perMonth: 30 },
  { name: 'Trazodone HCl', strengths: ['50 mg', '100 mg'], form: 'Tablet', awp: [0.3, 0.9], perMonth: 30 },
  { name: 'Tamsulosin HCl', strengths: ['0.4 mg'], form: 'Capsule', awp: [0.8, 2.3], perMonth: 30 },
  { name: 'Clopidogrel Bisulfate', strengths: ['75 mg'], form: 'Tablet', awp: [0.7, 3.1], perMonth: 30 },
  { name: 'Carvedilol', strengths: ['6.25 mg', '12.5 mg', '25 mg'], form: 'Tablet', awp: [0.3, 1.0], perMonth: 60 },
  { name: 'Duloxetine HCl', strengths: ['30 mg', '60 mg'], form: 'Capsule DR', awp: [1.5, 6.5], perMonth: 30 },
  { name: 'Glipizide', strengths: ['5 mg', '10 mg'], form: 'Tablet', awp: [0.2, 0.7], perMonth: 60 },
  { name: 'Allopurinol', strengths: ['100 mg', '300 mg'], form: 'Tablet', awp: [0.2, 0.8], perMonth: 30 },
  { name: 'Lamotrigine', strengths: ['25 mg', '100 mg', '200 mg'], form: 'Tablet', awp: [0.6, 4.0], perMonth: 60 },
  { name: 'Valsartan', strengths: ['80 mg', '160 mg', '320 mg'], form: 'Tablet', awp: [1.0, 3.9], perMonth: 30 },
  { name: 'Sitagliptin', strengths: ['50 mg', '100 mg'], form: 'Tablet', awp: [6.0, 14.0], perMonth: 30 },
  { name: 'Fluticasone Propionate', strengths: ['50 mcg/act'], form: 'Nasal Spray 16 g', awp: [18.0, 42.0], perMonth: 1, pack: true },
  { name: 'Albuterol Sulfate HFA', strengths: ['90 mcg/act'], form: 'Inhaler 8.5 g', awp: [38.0, 72.0], perMonth: 1, pack: true },
  { name: 'Amoxicillin', strengths: ['500 mg', '875 mg'], form: 'Capsule', awp: [0.2, 0.9], perMonth: 90, acuteDays: 10 },
  { name: 'Amoxicillin/Clavulanate Potassium', strengths: ['875 mg-125 mg'], form: 'Tablet', awp: [2.0, 5.5], perMonth: 60, acuteDays: 10 },
  { name: 'Azithromycin', strengths: ['250 mg'], form: 'Tablet', awp: [1.5, 5.0], perMonth: 36, acuteDays: 5 },
  { name: 'Cephalexin', strengths: ['500 mg'], form: 'Capsule', awp: [0.4, 1.4], perMonth: 120, acuteDays: 7 },
  { name: 'Prednisone', strengths: ['10 mg', '20 mg'], form: 'Tablet', awp: [0.1, 0.5], perMonth: 60, acuteDays: 5 },
];

export const brandMolecules: readonly Molecule[] = [
  { name: 'Eliquis', strengths: ['2.5 mg', '5 mg'], form: 'Tablet', awp: [9.4, 10.2], perMonth: 60 },
  { name: 'Xarelto', strengths: ['10 mg', '15 mg', '20 mg'], form: 'Tablet', awp: [18.5, 19.8], perMonth: 30 },
  { name: 'Jardiance', strengths: ['10 mg', '25 mg'], form: 'Tablet', awp: [21.5, 23.0], perMonth: 30 },
  { name: 'Farxiga', strengths: ['5 mg', '10 mg'], form: 'Tablet', awp: [20.8, 22.4], perMonth: 30 },
  { name: 'Januvia', strengths: ['50 mg', '100 mg'], form: 'Tablet', awp: [17.6, 19.0], perMonth: 30 },
  { name: 'Entresto', strengths: ['24 mg-26 mg', '49 mg-51 mg', '97 mg-103 mg'], form: 'Tablet', awp: [10.1, 11.0], perMonth: 60 },
  { name: 'Rybelsus', strengths: ['7 mg', '14 mg'], form: 'Tablet', awp: [32.0, 34.5], perMonth: 30 },
  { name: 'Linzess', strengths: ['145 mcg', '290 mcg'], form: 'Capsule', awp: [17.4, 18.6], perMonth: 30 },
  { name: 'Vyvanse', strengths: ['30 mg', '50 mg'], form: 'Capsule', awp: [13.5, 14.8], perMonth: 30 },
  { name: 'Ozempic', strengths: ['0.5 mg/dose', '1 mg/dose', '2 mg/dose'], form: 'Pen Injector', awp: [1_020, 1_110], perMonth: 1, pack: true },
  { name: 'Mounjaro', strengths: ['5 mg/0.5 mL', '10 mg/0.5 mL'], form: 'Pen Injector', awp: [300, 330], perMonth: 4, pack: true },
  { name: 'Trulicity', strengths: ['1.5 mg/0.5 mL', '3 mg/0.5 mL'], form: 'Pen Injector', awp: [255, 280], perMonth: 4, pack: true },
  { name: 'Trelegy Ellipta', strengths: ['100-62.5-25 mcg'], form: 'Inhaler', awp: [690, 740], perMonth: 1, pack: true },
  { name: 'Symbicort', strengths: ['160-4.5 mcg'], form: 'Inhaler', awp: [390, 430], perMonth: 1, pack: true },
  { name: 'Lantus SoloStar', strengths: ['100 unit/mL'], form: 'Pen 3 mL', awp: [85, 95], perMonth: 5, pack: true },
];

export const specialtyBrandMolecules: readonly Molecule[] = [
  { name: 'Humira', strengths: ['40 mg/0.4 mL'], form: 'Pen Kit', awp: [3_550, 3_700], perMonth: 2, pack: true },
  { name: 'Enbrel', strengths: ['50 mg/mL'], form: 'SureClick', awp: [1_780, 1_860], perMonth: 4, pack: true },
  { name: 'Dupixent', strengths: ['300 mg/2 mL'], form: 'Pen', awp: [1_790, 1_880], perMonth: 2, pack: true },
  { name: 'Cosentyx', strengths: ['150 mg/mL'], form: 'Sensoready Pen', awp: [3_350, 3_500], perMonth: 2, pack: true },
  { name: 'Stelara', strengths: ['90 mg/mL'], form: 'Syringe', awp: [26_500, 27_800], perMonth: 1, pack: true },
  { name: 'Taltz', strengths: ['80 mg/mL'], form: 'Autoinjector', awp: [6_700, 7_050], perMonth: 1, pack: true },
  { name: 'Otezla', strengths: ['30 mg'], form: 'Tablet', awp: [80, 86], perMonth: 60, pack: true },
  { name: 'Rinvoq', strengths: ['15 mg', '30 mg'], form: 'Tablet ER', awp: [215, 230], perMonth: 30, pack: true },
  { name: 'Xeljanz', strengths: ['5 mg'], form: 'Tablet', awp: [92, 98], perMonth: 60, pack: true },
  { name: 'Biktarvy', strengths: ['50-200-25 mg'], form: 'Tablet', awp: [128, 136], perMonth: 30, pack: true },
  { name: 'Ibrance', strengths: ['100 mg', '125 mg'], form: 'Capsule', awp: [850, 905], perMonth: 21, pack: true },
  { name: 'Trikafta', strengths: ['100-50-75 mg/150 mg'], form: 'Tablet Pack', awp: [298, 315], perMonth: 84, pack: true },
  { name: 'Imbruvica', strengths: ['140 mg', '420 mg'], form: 'Capsule', awp: [245, 262], perMonth: 30, pack: true },
];

export const specialtyGenericMolecules: readonly Molecule[] = [
  { name: 'Imatinib Mesylate', strengths: ['400 mg'], form: 'Tablet', awp: [120, 140], perMonth: 30, pack: true },
  { name: 'Abiraterone Acetate', strengths: ['250 mg'], form: 'Tablet', awp: [36, 44], perMonth: 120, pack: true },
  { name: 'Lenalidomide', strengths: ['10 mg', '25 mg'], form: 'Capsule', awp: [650, 760], perMonth: 21, pack: true },
  { name: 'Emtricitabine/Tenofovir DF', strengths: ['200-300 mg'], form: 'Tablet', awp: [50, 58], perMonth: 30, pack: true },
  { name: 'Glatiramer Acetate', strengths: ['40 mg/mL'], form: 'Syringe', awp: [280, 320], perMonth: 12, pack: true },
  { name: 'Teriflunomide', strengths: ['14 mg'], form: 'Tablet', awp: [190, 215], perMonth: 30, pack: true },
];
