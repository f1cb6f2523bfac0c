//! Credential codes. Secure codes: 11 characters drawn uniformly from an alphabet of 31
//! without look-alikes (no 0/O, 1/I/L), about 54.5 bits, then a Luhn mod 31 check character,
//! so a mistyped character is caught before any lookup. Numeric codes: 4 to 8 uniform digits,
//! for channels that ask for them and only with a short lifetime.

use rand_core::RngCore;

/// The characters of secure codes.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Random characters in a secure code, before the check character.
pub const SECURE_RANDOM_LEN: usize = 11;

/// A fresh secure code: random characters then their check character.
pub fn secure_code(rng: &mut dyn RngCore) -> String {
    let mut indices = [0u8; SECURE_RANDOM_LEN];
    let mut filled = 0;
    let mut buffer = [0u8; 16];
    while filled < SECURE_RANDOM_LEN {
        rng.fill_bytes(&mut buffer);
        // 248 = 8 * 31: rejecting bytes above it keeps every character equally likely.
        for byte in buffer.iter().filter(|byte| **byte < 248) {
            if filled == SECURE_RANDOM_LEN {
                break;
            }
            indices[filled] = byte % 31;
            filled += 1;
        }
    }
    let mut code: String = indices
        .iter()
        .map(|index| char::from(ALPHABET[usize::from(*index)]))
        .collect();
    code.push(char::from(ALPHABET[usize::from(check_index(&indices))]));
    code
}

/// Fewest and most digits of a numeric code.
pub const NUMERIC_DIGITS: std::ops::RangeInclusive<u8> = 4..=8;

/// A fresh numeric code of `digits` digits (leading zeros kept; clamped to [`NUMERIC_DIGITS`]).
pub fn numeric_code(rng: &mut dyn RngCore, digits: u8) -> String {
    let digits = digits.clamp(*NUMERIC_DIGITS.start(), *NUMERIC_DIGITS.end());
    let space = 10u64.pow(u32::from(digits));
    let zone = u64::MAX - u64::MAX % space;
    loop {
        let draw = rng.next_u64();
        if draw < zone {
            return format!("{:0width$}", draw % space, width = usize::from(digits));
        }
    }
}

/// Whether a secure code has the right length, alphabet and check character.
pub fn is_well_formed_secure(code: &str) -> bool {
    let bytes = code.as_bytes();
    if bytes.len() != SECURE_RANDOM_LEN + 1 {
        return false;
    }
    let mut indices = [0u8; SECURE_RANDOM_LEN + 1];
    for (slot, byte) in indices.iter_mut().zip(bytes) {
        match ALPHABET.iter().position(|known| known == byte) {
            Some(index) => *slot = index as u8,
            None => return false,
        }
    }
    check_index(&indices[..SECURE_RANDOM_LEN]) == indices[SECURE_RANDOM_LEN]
}

/// Whether `code` (as typed: case and surrounding spaces do not matter) could be a code this
/// crate draws: a secure code with the right check character, or 4 to 8 digits. Anything
/// else is wrong without a lookup.
pub fn is_plausible(code: &str) -> bool {
    let code = code.trim();
    let digits = code.len() >= usize::from(*NUMERIC_DIGITS.start())
        && code.len() <= usize::from(*NUMERIC_DIGITS.end())
        && code.bytes().all(|byte| byte.is_ascii_digit());
    digits || is_well_formed_secure(&normalize(code))
}

/// The code as customers may type it, in the form it is stored: trimmed, upper case.
pub fn normalize(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// Luhn mod N check index over character indices.
fn check_index(indices: &[u8]) -> u8 {
    const N: u32 = 31;
    let mut factor = 2;
    let mut sum = 0u32;
    for index in indices.iter().rev() {
        let addend = factor * u32::from(*index);
        sum += addend / N + addend % N;
        factor = if factor == 2 { 1 } else { 2 };
    }
    ((N - sum % N) % N) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn secure_codes_are_well_formed_and_catch_a_typo() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..1_000 {
            let code = secure_code(&mut rng);
            assert_eq!(code.len(), 12);
            assert!(is_well_formed_secure(&code), "{code}");
            for position in 0..code.len() {
                let mut typo = code.clone().into_bytes();
                typo[position] = if typo[position] == b'2' { b'3' } else { b'2' };
                let typo = String::from_utf8(typo).unwrap_or_default();
                assert!(!is_well_formed_secure(&typo), "{code} -> {typo}");
            }
        }
    }

    #[test]
    fn secure_codes_avoid_look_alikes() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        for _ in 0..1_000 {
            let code = secure_code(&mut rng);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
        }
    }

    #[test]
    fn secure_codes_carry_over_fifty_bits() {
        let bits = SECURE_RANDOM_LEN as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits >= 50.0, "{bits}");
    }

    #[test]
    fn numeric_codes_have_the_asked_digits() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for digits in 4..=8 {
            let code = numeric_code(&mut rng, digits);
            assert_eq!(code.len(), usize::from(digits));
            assert!(code.bytes().all(|byte| byte.is_ascii_digit()));
        }
    }

    #[test]
    fn only_codes_of_a_drawn_shape_are_plausible() {
        let mut rng = ChaCha8Rng::seed_from_u64(10);
        let code = secure_code(&mut rng);
        assert!(is_plausible(&code));
        assert!(is_plausible(&format!(" {} ", code.to_ascii_lowercase())));
        let mut typo = code.clone().into_bytes();
        typo[0] = if typo[0] == b'2' { b'3' } else { b'2' };
        assert!(!is_plausible(&String::from_utf8(typo).unwrap_or_default()));
        assert!(is_plausible(&numeric_code(&mut rng, 6)));
        for wrong in ["", "123", "123456789", "12a4", "NOPE", "ABCDEFGHJKMN0"] {
            assert!(!is_plausible(wrong), "{wrong}");
        }
    }

    #[test]
    fn normalize_uppercases_and_trims() {
        assert_eq!(normalize(" ab3k "), "AB3K");
    }
}
