/**
 * The most common passwords in public breach corpora (the heads of the SecLists and NCSC "most
 * common" lists) plus seasonal and local patterns. Short on purpose: it catches what attackers try
 * first; the length rule and the pattern checks do the rest.
 */
export const COMMON_PASSWORDS: readonly string[] = [
  '123456', 'password', '12345678', 'qwerty', '123456789', '12345', '1234', '111111', '1234567', 'dragon',
  '123123', 'baseball', 'abc123', 'football', 'monkey', 'letmein', '696969', 'shadow', 'master', '666666',
  'qwertyuiop', '123321', 'mustang', '1234567890', 'michael', '654321', 'superman', '1qaz2wsx', '7777777',
  '121212', '000000', 'qazwsx', '123qwe', 'killer', 'trustno1', 'jordan', 'jennifer', 'zxcvbnm', 'asdfgh',
  'hunter', 'buster', 'soccer', 'harley', 'batman', 'andrew', 'tigger', 'sunshine', 'iloveyou', '2000',
  'charlie', 'robert', 'thomas', 'hockey', 'ranger', 'daniel', 'starwars', 'klaster', '112233', 'george',
  'computer', 'michelle', 'jessica', 'pepper', '1111', 'zxcvbn', '555555', '11111111', '131313', 'freedom',
  '777777', 'pass', 'maggie', '159753', 'aaaaaa', 'ginger', 'princess', 'joshua', 'cheese', 'amanda',
  'summer', 'love', 'ashley', 'nicole', 'chelsea', 'biteme', 'matthew', 'access', 'yankees', '987654321',
  'dallas', 'austin', 'thunder', 'taylor', 'matrix', 'william', 'corvette', 'hello', 'martin', 'heather',
  'secret', 'merlin', 'diamond', '1234qwer', 'gfhjkm', 'hammer', 'silver', '222222', '88888888', 'anthony',
  'justin', 'test', 'bailey', 'q1w2e3r4t5', 'patrick', 'internet', 'scooter', 'orange', '11111', 'golfer',
  'cookie', 'richard', 'samantha', 'bigdog', 'guitar', 'jackson', 'whatever', 'mickey', 'chicken', 'sparky',
  'snoopy', 'maverick', 'phoenix', 'camaro', 'peanut', 'morgan', 'welcome', 'falcon', 'cowboy', 'ferrari',
  'samsung', 'andrea', 'smokey', 'steelers', 'joseph', 'mercedes', 'dakota', 'arsenal', 'eagles', 'melissa',
  'boomer', 'booboo', 'spider', 'nascar', 'monster', 'tigers', 'yellow', 'xxxxxx', '123123123', 'gateway',
  'marina', 'diablo', 'bulldog', 'qwer1234', 'compaq', 'purple', 'hardcore', 'banana', 'junior', 'hannah',
  '123654', 'porsche', 'lakers', 'iceman', 'money', 'cowboys', '987654', 'london', 'tennis', '999999',
  'ncc1701', 'coffee', 'scooby', '0000', 'miller', 'boston', 'q1w2e3r4', 'brandon', 'yamaha', 'chester',
  'mother', 'forever', 'johnny', 'edward', '333333', 'oliver', 'redsox', 'player', 'nikita', 'knight',
  'fender', 'barney', 'midnight', 'please', 'brandy', 'chicago', 'badboy', 'slayer', 'rangers', 'charles',
  'angel', 'flower', 'bigdaddy', 'rabbit', 'wizard', 'jasper', 'enter', 'rachel', 'chris', 'steven',
  'winner', 'adidas', 'victoria', 'natasha', '1q2w3e4r', 'jasmine', 'winter', 'prince', 'panties', 'marine',
  'ghbdtn', 'fishing', 'cocacola', 'casper', 'james', '232323', 'raiders', '888888', 'marlboro', 'gandalf',
  'asdfasdf', 'crystal', '87654321', '12344321', 'golden', '8675309', 'liverpool', 'passw0rd', 'password1',
  'password123', 'welcome1', 'qwerty123', 'admin', 'administrator', 'changeme', 'letmein123', 'iloveyou1',
  'football1', 'monkey123', 'abc12345', '1q2w3e4r5t', 'qwertyuiop123', 'zaq12wsx', 'sunshine1', 'princess1',
  'superman123', 'starwars1', 'dragon123', 'shadow123', 'master123', 'hello123', 'freedom1', 'whatever1',
  'computer1', 'summer2023', 'summer2024', 'winter2023', 'spring2024', 'autumn2023', 'january', 'february',
  'march', 'april', 'september', 'october', 'november', 'december', 'monday', 'tuesday', 'friday',
  'password2023', 'password2024', 'password2025', 'welcome2024', 'letmeinnow', 'correcthorsebatterystaple',
  'ilovemyself', 'violence', 'police', 'constabulary', 'observatory',
];
