// How dimension values are shown in tables and chips.

let regionNames = null;
function regions() {
  if (regionNames === null) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      regionNames = false;
    }
  }
  return regionNames;
}

export function countryName(code) {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return code || 'Unknown';
  try {
    return (regions() && regions().of(code.toUpperCase())) || code;
  } catch {
    return code;
  }
}


const NONE = {
  'visit:source': 'Direct / None',
  'visit:referrer': 'Direct / None',
};

export function displayValue(dimension, value) {
  if (value === null || value === undefined || value === '') return NONE[dimension] ?? '(not set)';
  if (dimension === 'visit:country') return countryName(value);
  if (dimension === 'visit:device') return value.charAt(0).toUpperCase() + value.slice(1);
  return String(value);
}
