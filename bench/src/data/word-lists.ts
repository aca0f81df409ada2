/**
 * What generated books are made of: titles in many languages and authors from many naming
 * traditions, so that a data set exercises what real catalogues hold: accents and other
 * diacritics (é, ø, ñ, ü, ł, ş, ễ), non-Latin scripts, typographic (’) and ASCII (') apostrophes
 * in the same names, lowercase particles (van der, d’, de la), hyphens, initials, and titles
 * with commas and double quotes (which CSV must quote). Invented, apart from a few common phrases.
 */

/** Titles in one language: a pattern is picked and each `{slot}` filled from `words[slot]`. */
export interface TitleLanguage {
  patterns: readonly string[];
  words: Readonly<Record<string, readonly string[]>>;
}

/** How people of one naming tradition are named, and which languages their titles are in. */
export interface NamingCulture {
  /** How common this tradition is in the catalogue, relative to the others. */
  weight: number;
  given: readonly string[];
  /** Empty for people known by one name (Homer, Sappho). */
  family: readonly string[];
  /** Share of names with a middle initial ("Ruth E. Whitaker"). */
  middleInitials?: number;
  /** Family name first, as in Vietnamese and Japanese. */
  familyFirst?: boolean;
  /** Between the parts of a name; a space unless the script writes names without one. */
  separator?: string;
  /** Title languages with their weights: most write in their own, some are published in English. */
  titles: readonly (readonly [TitleLanguageName, number])[];
  /** Years of publication, when the tradition is of one era (inclusive; BCE years are negative). */
  years?: readonly [from: number, to: number];
}

const list = (...titles: string[]): TitleLanguage => ({ patterns: ['{title}'], words: { title: titles } });

export const TITLE_LANGUAGES = {
  english: {
    patterns: [
      'The {adjective} {place}',
      'The {adjective} {place}: A Novel',
      'The {adjective} {place} of {city}',
      'The {person} of {city}',
      'A {season} in {city}',
      'Letters from {city}',
      'The {adjective} {person}',
      'The {person}’s {relation}',
      "The {person}'s {relation}",
      'A {measure} of {abstract}',
      'The {measure} of {abstract}',
      '{material}, {material} and {material}',
      '"{abstract}" and Other Stories',
      'The {place} at {time}',
      'After the {event}',
      'Before the {event}',
    ],
    words: {
      adjective: ['Last', 'Silent', 'Hidden', 'Burning', 'Little', 'Long', 'Forgotten', 'Golden', 'Broken', 'Secret', 'Distant', 'Quiet', 'Wild', 'Glass', 'Iron', 'Paper', 'Northern', 'Drowned', 'Lonely', 'Crimson', 'Hollow', 'Midnight', 'Summer', 'Winter', 'Bright', 'Empty', 'Final', 'Green', 'Invisible', 'Narrow', 'Painted', 'Sleeping', 'Sunken', 'Unquiet', 'Velvet', 'White'],
      place: ['Orchard', 'River', 'House', 'Garden', 'Lighthouse', 'Kingdom', 'Harbour', 'Archive', 'Mountain', 'Station', 'Island', 'Shore', 'Bridge', 'Library', 'Valley', 'Forest', 'City', 'Road', 'Tower', 'Meadow', 'Marsh', 'Lake', 'Asylum', 'Chapel', 'Courtyard', 'Estate', 'Ferry', 'Hotel', 'Mill', 'Observatory', 'Quarry', 'Vineyard'],
      city: ['Lisbon', 'Kraków', 'Trieste', 'Oslo', 'Bruges', 'Zanzibar', 'Valparaíso', 'Reykjavík', 'Montréal', 'São Paulo', 'Kyoto', 'Odessa', 'Dublin', 'Tangier', 'Samarkand', 'Córdoba', 'Gdańsk', 'Tromsø', 'Plovdiv', 'Hội An'],
      season: ['Summer', 'Winter', 'Spring', 'Autumn', 'Year', 'Week', 'Night'],
      person: ['Cartographer', 'Clockmaker', 'Beekeeper', 'Ferryman', 'Translator', 'Widow', 'Astronomer', 'Bookbinder', 'Gardener', 'Lighthouse Keeper', 'Stranger', 'Orphan', 'Archivist', 'Surgeon', 'Weaver'],
      relation: ['Daughter', 'Son', 'Wife', 'Apprentice', 'Secret', 'Promise', 'Last Letter', 'Garden', 'Ghost', 'Map'],
      measure: ['Map', 'Weight', 'Shape', 'Sound', 'Colour', 'Book', 'History', 'Memory', 'Taste', 'Grammar'],
      abstract: ['Water', 'Small Mercies', 'Lost Time', 'Stars', 'Salt', 'Ashes', 'Tomorrow', 'Old Songs', 'Silence', 'Rain', 'Distant Things', 'Everything', 'Home'],
      material: ['Salt', 'Smoke', 'Silver', 'Bone', 'Ash', 'Honey', 'Iron', 'Thread', 'Glass', 'Stone', 'Ink', 'Clay'],
      time: ['Midnight', 'Dawn', 'Dusk', 'the End of the World', 'Low Tide', 'Christmas', 'Noon'],
      event: ['Flood', 'Fall', 'Storm', 'War', 'Harvest', 'Silence', 'Rain', 'Fire', 'Wedding', 'Thaw'],
    },
  },
  french: {
    patterns: ['{head} {tail}', '{head}'],
    words: {
      head: ['La Route', 'Le Jardin', 'La Maison', 'Les Enfants', 'Le Silence', 'La Nuit', 'Le Bal', 'La Chambre', 'Les Années', 'Le Chemin', 'La Lumière', 'Les Heures', 'Le Cahier', 'La Promesse', 'L’Été', 'L’Hiver', 'L’Écume', 'L’Île', 'Le Voyageur', 'La Fenêtre', 'Les Lettres', 'Le Phare', 'La Dernière Saison', 'Le Goût', 'La Mémoire', 'Les Sœurs'],
      tail: ['du Nord', 'de la Mer', 'd’automne', 'des Ombres', 'sans fin', 'au bord de l’eau', 'de mon père', 'à Marseille', 'sous la pluie', 'des Cévennes', "d'ailleurs", 'de Bretagne', 'd’Élise', 'des oubliés', 'de Noël', 'du Sud', 'de Dakar', 'du Québec', 'des cerisiers', 'à la campagne', 'du dimanche', 'de l’oubli', 'd’une vie'],
    },
  },
  german: {
    patterns: ['{noun}', '{place} {where}'],
    words: {
      noun: ['Ödland', 'Nachtzug', 'Heimweh', 'Fernweh', 'Sommerhaus', 'Gänsehaut', 'Schneegestöber', 'Zugvögel', 'Mittagsstunde', 'Bärenfell', 'Grünspan', 'Sturmflut', 'Übermorgen', 'Wüstenwind', 'Morgengrauen', 'Kältezone', 'Flussabwärts'],
      place: ['Das Haus', 'Die Brücke', 'Der Garten', 'Die Stille', 'Das Mädchen', 'Der Fährmann', 'Die Straße', 'Der Fluss', 'Das Licht', 'Die Uhr', 'Der Turm', 'Das Schweigen', 'Die Insel', 'Der Wald', 'Die Schwestern', 'Das Archiv'],
      where: ['am See', 'im Winter', 'über dem Fluss', 'hinter den Hügeln', 'an der Grenze', 'am Ende der Welt', 'in Köln', 'aus Glas', 'im Nebel', 'unter den Linden', 'an der Ostsee', 'vor dem Sturm', 'in der Nacht', 'bei Görlitz'],
    },
  },
  spanish: {
    patterns: ['{head} {tail}'],
    words: {
      head: ['El Jardín', 'La Sombra', 'Los Años', 'La Casa', 'El Silencio', 'La Ciudad', 'El Camino', 'La Noche', 'Las Horas', 'El Cuaderno', 'La Montaña', 'El Niño', 'La Señora', 'El Faro', 'La Memoria', 'Las Cartas', 'El Viaje', 'La Isla', 'El Último Verano', 'La Lluvia'],
      tail: ['de los Almendros', 'del Norte', 'sin nombre', 'en invierno', 'de mañana', 'junto al río', 'de las Olas', 'de Cádiz', 'del olvido', 'de papel', 'de la Peña', 'de Valparaíso', 'del desierto', 'bajo la lluvia', 'de mi abuela', 'en Oaxaca', 'de los pájaros'],
    },
  },
  italian: {
    patterns: ['{head} {tail}'],
    words: {
      head: ['Il Giardino', 'La Città', 'Le Notti', 'Il Silenzio', 'L’Estate', 'La Casa', 'Il Viaggio', 'Le Stagioni', 'La Strada', 'Il Ritorno', "L'Inverno", 'Il Faro', 'Le Lettere', 'La Memoria', 'Il Tempo'],
      tail: ['dei Limoni', 'del Nord', 'di Vetro', 'senza nome', 'a Venezia', 'sul lago', 'di Mezzanotte', 'dell’Alba', 'di Sicilia', 'al di là del mare', 'di mio padre', 'delle Ciliegie', 'a Trieste', 'in fondo al mare'],
    },
  },
  portuguese: {
    patterns: ['{head} {tail}'],
    words: {
      head: ['O Jardim', 'A Casa', 'As Noites', 'O Silêncio', 'A Estação', 'O Caminho', 'A Viagem', 'Os Dias', 'A Memória', 'O Coração'],
      tail: ['do Mar', 'da Saudade', 'sem Fim', 'em Lisboa', 'das Estações', 'do Sertão', 'de Inverno', 'da Conceição', 'dos Pássaros'],
    },
  },
  polish: {
    patterns: ['{noun} {where}'],
    words: {
      noun: ['Cisza', 'Dom', 'Zima', 'Ślady', 'Ogród', 'Pociąg', 'Światło', 'Wiosna', 'Rzeka', 'Kołysanka'],
      where: ['nad rzeką', 'w Łodzi', 'za lasem', 'o świcie', 'pod śniegiem', 'bez końca', 'w Gdańsku', 'na północy'],
    },
  },
  nordic: list('Høstlys', 'Ødemark', 'Sjøen', 'Vinterhavn', 'Mörkret', 'Ljuset över åsen', 'Skärgård', 'Fjordens sang', 'Nordlys over Tromsø', 'Søsteren', 'Huset ved havet', 'Fyrvokteren', 'Snøen som falt', 'Kråkeslottet', 'Ærøs hemmelighed', 'Æbletræet'),
  dutch: {
    patterns: ['{head} {tail}'],
    words: {
      head: ['Het Huis', 'De Tuin', 'De Stilte', 'Het Meisje', 'De Avond', 'Het Licht', 'De Brug'],
      tail: ['aan het water', 'van mijn vader', 'in de polder', 'bij de dijk', 'op ’t eiland', 'zonder einde'],
    },
  },
  turkish: list('Kış Güneşi', 'Gölgeler', 'Sessiz Ev', 'Boğaz’da Sabah', 'Çınaraltı', 'Yağmurdan Sonra', 'Kuzey Yolu', 'İstanbul’da Bir Yaz'),
  czech: list('Řeka', 'Zahrada u řeky', 'Poslední léto', 'Dům na náměstí', 'Stíny', 'Šťastné dny'),
  vietnamese: list('Mùa thu Hà Nội', 'Dòng sông quê', 'Người lái đò', 'Chiều mưa Huế', 'Ngọn hải đăng', 'Vườn cam'),
  japanese: list('雪国の朝', '月の庭', '海辺の図書館', '夏の終わり', '静かな川', '北への道', '猫と灯台'),
  greek: list('Η Θάλασσα', 'Το Σπίτι στο Λιμάνι', 'Ο Κήπος με τις Λεμονιές', 'Νύχτες της Αθήνας', 'Το Τελευταίο Καλοκαίρι', 'Η Σιωπή του Βουνού'),
  russian: list('Тишина', 'Белые ночи', 'Дом у реки', 'Последнее лето', 'Сад в снегу', 'Дорога на север', 'Письма из Казани'),
  latin: list('Carmina', 'Epistulae', 'Fragmenta', 'Odae', 'Elegiae', 'Sermones', 'De amicitia', 'Annales', 'Fabulae'),
} satisfies Record<string, TitleLanguage>;
export type TitleLanguageName = keyof typeof TITLE_LANGUAGES;

export const NAMING_CULTURES: readonly NamingCulture[] = [
  {
    weight: 26,
    given: ['Margaret', 'James', 'Eleanor', 'Thomas', 'Harriet', 'Samuel', 'Ruth', 'Oliver', 'Grace', 'Arthur', 'Imogen', 'Zoë', 'Edith', 'Walter', 'Frances', 'Hugh', 'Nora', 'Felix', 'Beatrix', 'Lionel', 'Agnes', 'Rupert', 'Marian', 'Desmond', 'J. R.', 'E. M.', 'P. D.'],
    family: ['Ashdown', 'Whitaker', 'Hale', 'Fairweather', 'Blackwood', 'McAllister', 'Pennington', 'Greenaway', 'Thorne', 'Holloway', 'Cartwright', 'Lovelace', 'Ainsworth', 'Bramley', 'Crowther', 'Dunmore', 'Ellery', 'Fenwick', 'Garside', 'Hartigan', 'Ingleby', 'Kettering', 'Langstaff', 'Marchbanks', 'Netherwood', 'Ormerod', 'Penhaligon', 'Radcliffe', 'Sowerby', 'Tennant'],
    middleInitials: 0.3,
    titles: [['english', 1]],
  },
  {
    weight: 4,
    given: ['Siobhán', 'Seán', 'Niamh', 'Ciarán', 'Aoife', 'Pádraig', 'Róisín', 'Eoin'],
    family: ['O’Brien', "O'Brien", 'O’Sullivan', "O'Sullivan", 'O’Connor', "O'Neill", 'MacCarthy', 'Kavanagh'],
    titles: [['english', 1]],
  },
  {
    weight: 10,
    given: ['Émile', 'Hélène', 'François', 'Cécile', 'Zoé', 'Noël', 'Chloé', 'Jérôme', 'Anaïs', 'Loïc', 'Amélie', 'Benoît', 'Marie-Hélène', 'Jean-Loup', 'Gaëlle', 'Thérèse', 'Aurélien', 'Solène', 'Raphaël', 'Séverine', 'Hervé', 'Maëlys'],
    family: ['Lefèvre', 'Dupré', 'Bérenger', 'Mercier', 'Lévêque', 'Marchand', 'Rousseau', 'D’Aubigné', "D'Arcy", 'd’Ormesson', 'de La Tour', 'Fournier', 'Giraud', 'Béranger', 'Chevalier', 'Delacroix', 'Faure', 'Garnier', 'Lacroix', 'Ménard', 'Perrault', 'Séguin', 'Vasseur'],
    titles: [['french', 85], ['english', 15]],
  },
  {
    weight: 8,
    given: ['Jürgen', 'Günter', 'Käthe', 'Jörg', 'Lotte', 'Björn', 'Anneliese', 'Dörte', 'Ulrich', 'Friederike', 'Hannelore', 'Matthäus', 'Wiebke', 'Lukas', 'Gisela', 'Till', 'Mareike', 'Sönke'],
    family: ['Müller', 'Schäfer', 'Köhler', 'Weiß', 'Fröhlich', 'Brückner', 'Großmann', 'Hoffmann', 'von Ahlefeldt', 'Löwenthal', 'Jäger', 'Baumgärtner', 'Dämmrich', 'Eßer', 'Hübner', 'Kühn', 'Lührs', 'Möller', 'Nußbaum', 'Sauer', 'Tänzer', 'zu Dohna'],
    titles: [['german', 85], ['english', 15]],
  },
  {
    weight: 8,
    given: ['José', 'María', 'Ángel', 'Inés', 'Nuria', 'Joaquín', 'Begoña', 'Íñigo', 'Lucía', 'Martín', 'Sofía', 'Ramón', 'Mercedes', 'Andrés', 'Maite', 'Rubén', 'Ainhoa', 'Sebastián', 'Rocío'],
    family: ['Muñoz', 'Núñez', 'Ibáñez', 'Peña', 'Gutiérrez', 'Castaño', 'Ordóñez', 'Pérez', 'Hernández', 'de la Cruz', 'Iglesias', 'Báez', 'Cortázar', 'Domínguez', 'Echeverría', 'Fernández', 'Jiménez', 'López', 'Márquez', 'Rodríguez', 'Sáenz'],
    titles: [['spanish', 85], ['english', 15]],
  },
  {
    weight: 5,
    given: ['Niccolò', 'Lucrezia', 'Gianluca', 'Ilaria', 'Raffaele', 'Chiara', 'Tommaso', 'Beatrice', 'Giosuè', 'Ludovica', 'Lorenzo', 'Margherita', 'Nicolò', 'Viola'],
    family: ['D’Angelo', "D'Angelo", 'De Luca', 'Colombo', 'Esposito', 'Galli', 'Lo Russo', 'Sanfilippo', 'Mazzà', 'Bernardi', 'Caruso', 'Dell’Orto', 'Fabbri', 'Greco', 'Marino', 'Santoro'],
    titles: [['italian', 85], ['english', 15]],
  },
  {
    weight: 4,
    given: ['João', 'Conceição', 'Inês', 'Sebastião', 'Gonçalo', 'Luís', 'Mariana'],
    family: ['Magalhães', 'Gonçalves', 'Simões', 'Assunção', 'Brandão', 'Araújo'],
    titles: [['portuguese', 85], ['english', 15]],
  },
  {
    weight: 5,
    given: ['Søren', 'Åse', 'Bjørn', 'Sigrún', 'Ingrid', 'Torbjørn', 'Astrid', 'Märta', 'Øystein', 'Ragnhild'],
    family: ['Løvaas', 'Kjær', 'Sørensen', 'Ødegård', 'Åkesson', 'Bjørnstad', 'Lindqvist', 'Hægstad', 'Strøm', 'Ångström'],
    titles: [['nordic', 80], ['english', 20]],
  },
  {
    // Polish family names in -ski/-ska change with gender; these do not.
    weight: 4,
    given: ['Łukasz', 'Małgorzata', 'Wojciech', 'Zofia', 'Paweł', 'Agnieszka', 'Bożena', 'Jędrzej', 'Grażyna'],
    family: ['Nowak', 'Wróbel', 'Mróz', 'Żak', 'Kołodziej', 'Woźniak', 'Błaszczyk', 'Król', 'Gałka'],
    titles: [['polish', 85], ['english', 15]],
  },
  {
    weight: 3,
    given: ['Maarten', 'Femke', 'Joost', 'Sanne', 'Geert', 'Lieke'],
    family: ['van der Meer', 'de Vries', 'van ’t Hek', "van 't Hof", 'Verhoeven', 'de Jong', 'Van den Broeck', 'IJzerman'],
    titles: [['dutch', 80], ['english', 20]],
  },
  {
    weight: 3,
    given: ['Ayşe', 'Gökhan', 'Şule', 'Özlem', 'Çağrı', 'İlknur', 'Barış'],
    family: ['Şahin', 'Yılmaz', 'Öztürk', 'Çelik', 'Gündoğdu', 'Aydın', 'Kılıç'],
    titles: [['turkish', 85], ['english', 15]],
  },
  {
    // Czech family names change with gender too: men's names only, to keep them right.
    weight: 2,
    given: ['Jiří', 'Tomáš', 'Bohumil', 'Vítězslav', 'Přemysl'],
    family: ['Dvořák', 'Novák', 'Hrubý', 'Růžička', 'Šťastný'],
    titles: [['czech', 80], ['english', 20]],
  },
  {
    weight: 2,
    given: ['Aminata', 'Moussa', 'Fatou', 'Ousmane', 'Mariama', 'Cheikh'],
    family: ["N'Diaye", 'N’Diaye', 'Diop', 'Sow', 'Fall', 'M’Baye', 'Ba'],
    titles: [['french', 70], ['english', 30]],
  },
  {
    weight: 2,
    given: ['Văn An', 'Thị Hoa', 'Minh Tuấn', 'Thị Thảo', 'Đức Dũng', 'Thu Hương'],
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Đặng'],
    familyFirst: true,
    titles: [['vietnamese', 85], ['english', 15]],
  },
  {
    weight: 3,
    given: ['美咲', '健', '陽子', '翔太', '由紀', '浩'],
    family: ['田中', '佐藤', '鈴木', '高橋', '渡辺', '山本'],
    familyFirst: true,
    separator: '',
    titles: [['japanese', 1]],
  },
  {
    // Japanese authors as English-language publishers print them: given name first, with macrons.
    weight: 2,
    given: ['Yūko', 'Shūhei', 'Kyōko', 'Ryō', 'Jun', 'Haruka'],
    family: ['Ōta', 'Kōno', 'Saitō', 'Itō', 'Satō', 'Ōshima'],
    titles: [['english', 60], ['japanese', 40]],
  },
  {
    // Genitive family names, the same for women and men.
    weight: 2,
    given: ['Νίκος', 'Ελένη', 'Γιάννης', 'Μαρία', 'Κώστας', 'Σοφία'],
    family: ['Οικονόμου', 'Γεωργίου', 'Αντωνίου', 'Νικολάου', 'Δημητρίου'],
    titles: [['greek', 85], ['english', 15]],
  },
  {
    // Family names that do not change with gender.
    weight: 2,
    given: ['Анна', 'Ольга', 'Иван', 'Сергей', 'Мария', 'Дмитрий'],
    family: ['Коваленко', 'Шевчук', 'Черных', 'Седых', 'Бондаренко', 'Кравец'],
    titles: [['russian', 85], ['english', 15]],
  },
  {
    weight: 2,
    given: ['Homer', 'Sappho', 'Hesiod', 'Aesop', 'Pindar', 'Ovid', 'Horace', 'Virgil', 'Catullus', 'Anonymous'],
    family: [],
    titles: [['latin', 1]],
    years: [-800, 400],
  },
];
