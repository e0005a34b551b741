"""Hand-written name lists for the synthetic benchmark (written for Kinlink; native script).

Each group: male and female given names, surnames (masculine form; feminine derived by rule
where the language inflects), places, the script children of the group are usually registered
in by their own authorities, and whether patronymics are used. Arabic-script names are given as
``native:Latin`` pairs because the Latin vowels cannot be derived from the script.
"""

from __future__ import annotations

GROUPS: dict[str, dict[str, object]] = {
    "russian": {
        "script": "cyrl",
        "patronymic": "ru",
        "male": "Александр Дмитрий Максим Сергей Андрей Алексей Артём Илья Кирилл Михаил Никита "
        "Матвей Роман Егор Арсений Иван Денис Евгений Даниил Тимофей Владислав Игорь Владимир "
        "Павел Руслан Марк Константин Тимур Олег Ярослав Антон Николай Глеб Данила Степан",
        "female": "Анастасия Мария Анна Виктория Екатерина Наталья Марина Полина Дарья Алиса "
        "Ксения Елена Александра Елизавета Софья Ольга Татьяна Юлия Ирина Вероника Варвара "
        "Алёна Кристина Валерия Светлана Людмила Арина Ульяна Ева Василиса",
        "surname": "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков "
        "Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев "
        "Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов "
        "Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин "
        "Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков "
        "Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев",
        "places": "Москва Белгород Курск Ростов Воронеж Брянск Краснодар Самара",
    },
    "ukrainian": {
        "script": "cyrl",
        "patronymic": "uk",
        "male": "Олександр Андрій Дмитро Максим Сергій Володимир Микола Іван Юрій Олег Богдан "
        "Василь Віктор Михайло Петро Тарас Ярослав Павло Роман Анатолій Віталій Євген Ігор "
        "Степан Остап Назар Денис Артем Кирило Матвій Тимофій Данило Григорій Федір Антон",
        "female": "Олена Ольга Тетяна Наталія Юлія Ірина Марія Анна Оксана Світлана Катерина "
        "Вікторія Анастасія Софія Дарина Людмила Галина Надія Христина Соломія Мирослава "
        "Богдана Ярослава Злата Валентина Лариса Ганна Зоряна Леся Уляна",
        "surname": "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Коваль "
        "Поліщук Бондар Ткачук Марченко Лисенко Руденко Савченко Петренко Мельник Клименко "
        "Мороз Павленко Кузьменко Левченко Харченко Гончаренко Кравчук Романенко Карпенко "
        "Литвиненко Мазур Гаврилюк Сидоренко Костенко Панченко Юрченко Приходько Дмитренко "
        "Василенко Середа Антоненко Іваненко Гнатюк Кушнір Онищенко Білоус Головко Демченко "
        "Тимошенко Захарченко Нестеренко Остапенко",
        "places": "Харків Київ Маріуполь Херсон Запоріжжя Миколаїв Одеса Донецьк Чернігів Суми",
    },
    "uzbek": {
        "script": "latn_uz",
        "patronymic": "uz",
        "male": "Alisher Bekzod Jasur Sardor Doston Sherzod Javohir Otabek Ulugʻbek Shoxruh "
        "Azizbek Jamshid Bahodir Rustam Akmal Anvar Botir Dilshod Eldor Farrux Gʻayrat Hasan "
        "Ibrohim Islom Jahongir Kamol Lochin Mirzo Nodir Oybek Oʻtkir Rahim Sanjar Temur "
        "Umid Xurshid Yusuf Zafar",
        "female": "Dilnoza Gulnora Malika Madina Nilufar Shahnoza Zarina Feruza Mohira Sevara "
        "Nigora Dildora Gulchehra Kamola Laylo Munisa Nodira Oydin Robiya Sabina Shoira Umida "
        "Yulduz Zulfiya Moʻtabar Gʻuncha Xurshida Maftuna Barno Charos",
        "surname": "Karimov Rahimov Yusupov Abdullayev Tursunov Xolmatov Qodirov Ergashev "
        "Nazarov Sharipov Hasanov Mirzayev Rasulov Sobirov Alimov Islomov Umarov Usmonov "
        "Toshmatov Xoʻjayev Gʻofurov Boboyev Jurayev Qosimov Saidov Sultonov Ahmedov Haydarov "
        "Murodov Nurmatov Raximov Tojiboyev Yoʻldoshev Zokirov Ismoilov Olimov",
        "places": "Toshkent Samarqand Buxoro Fargʻona Andijon Namangan Qarshi Xiva Nukus",
    },
    "kazakh": {
        "script": "cyrl",
        "patronymic": "kk",
        "male": "Нұрлан Ерлан Асхат Бауыржан Дәурен Ержан Қайрат Мұрат Серік Талғат Әлихан "
        "Нұрсұлтан Арман Айдос Бекзат Дамир Ерасыл Жандос Мирас Рахат Санжар Темірлан Алмас "
        "Ақжол Абай Әділет Дархан Ислам Нұрасыл Ерболат",
        "female": "Айгүл Айжан Гүлнар Динара Жанар Сәуле Айгерім Аружан Әсел Балжан Гүлдана "
        "Дана Жансая Зарина Индира Камила Мадина Назерке Нұргүл Салтанат Томирис Ұлжан Айша "
        "Аяулым Ақерке Меруерт",
        "surname": "Абенов Ахметов Бекмұхамедов Жақсылықов Қасымов Нұрланов Омаров Сарсенов "
        "Төлеуов Байжанов Есенов Жұмабаев Ибраев Кенжебаев Мұхамеджанов Оспанов Сейітов "
        "Тұрсынов Әбдірахманов Бектұров Дүйсенов Ермеков Жанұзақов Исаев Қалиев Мамыров "
        "Нұрпейісов Серікбаев Тоқтаров Әлиев",
        "places": "Алматы Шымкент Тараз Қарағанды Ақтөбе Атырау Түркістан Семей",
    },
    "tajik": {
        "script": "cyrl",
        "patronymic": "tj",
        "male": "Фаридун Далер Шерзод Ҷамшед Рустам Бахтиёр Суҳроб Алишер Исмоил Умед Парвиз "
        "Фирдавс Комрон Абдулло Меҳрубон Наврӯз Зафар Анвар Исфандиёр Саидҷон Шаҳзод Хуршед "
        "Манучеҳр Фарҳод Ҳасан Ҳусейн Маҳмуд Сино Равшан Азиз",
        "female": "Мадина Зарина Нигина Гулнора Фарзона Шаҳло Моҳира Сабрина Нилуфар Дилноза "
        "Парвина Малика Зебо Мавҷуда Шабнам Меҳрангез Гулчеҳра Тахмина Ситора Фотима Ойша "
        "Зуҳро Нозия Манижа",
        "surname": "Раҳимов Каримов Назаров Саидов Шарипов Юсупов Ҳасанов Одинаев Сафаров "
        "Раҷабов Давлатов Қурбонов Ашуров Мирзоев Болтаев Холов Зоиров Исмоилов Муродов "
        "Ҷалолов Раҳмонов Убайдуллоев Файзуллоев Шоев Ғафуров Қодиров Сангинов Амонов "
        "Носиров Хушвақтов",
        "places": "Душанбе Хуҷанд Кӯлоб Бохтар Истаравшан Панҷакент Ваҳдат Турсунзода",
    },
    "kyrgyz": {
        "script": "cyrl",
        "patronymic": "kg",
        "male": "Айбек Нурбек Бакыт Эрлан Азамат Талант Улан Чынгыз Эрмек Бекболот Жоомарт "
        "Медер Нурлан Адилет Байэл Данияр Жыргалбек Мирлан Руслан Султан Тилек Үмүт Эмир "
        "Асан Кубат Марат Курманбек Санжар",
        "female": "Айпери Айзада Бермет Гүлзат Жылдыз Назгүл Чолпон Айгерим Асель Бегимай "
        "Динара Элнура Жамиля Канышай Мээрим Нургүл Перизат Самара Токтобүбү Үмүткан Айжан "
        "Кундуз Мөлдүр Сайкал",
        "surname": "Асанов Бакиев Жээнбеков Токтогулов Маматов Осмонов Абдыкадыров Бейшеналиев "
        "Дүйшөнбеков Исаков Калыков Мамбетов Нурматов Орозбеков Садыров Турдубаев Үсөнов "
        "Чолпонбаев Эсенов Акматов Жумабеков Качкынбаев Мырзабеков Рысбеков Сыдыков",
        "places": "Бишкек Ош Жалал-Абад Каракол Токмок Нарын Баткен Талас",
    },
    "afghan": {
        "script": "arab",
        "male": "محمد:Mohammad احمد:Ahmad علی:Ali حسین:Hussain عبدالله:Abdullah نجیب:Najib "
        "فرید:Farid جاوید:Javid رحیم:Rahim کریم:Karim شریف:Sharif نصیر:Nasir عزیز:Aziz "
        "ذبیح‌الله:Zabihullah حمید:Hamid نور:Noor ولی:Wali خالد:Khalid یوسف:Yousuf "
        "مصطفی:Mustafa سمیع:Sami بشیر:Bashir فرهاد:Farhad جمشید:Jamshid امید:Omid "
        "اسدالله:Asadullah نعمت‌الله:Nematullah شفیق:Shafiq رفیع:Rafi مجیب:Mujib",
        "female": "فاطمه:Fatima زهرا:Zahra مریم:Maryam آمنه:Amina شکریه:Shukria "
        "پروانه:Parwana نازنین:Nazanin فرشته:Freshta مرسل:Mursal ملالی:Malalai "
        "زرغونه:Zarghona شبنم:Shabnam لیلا:Laila نرگس:Nargis حمیده:Hamida سمیرا:Samira "
        "گلالی:Gulalai روشنا:Roshana سحر:Sahar وحیده:Wahida خدیجه:Khadija ثریا:Soraya",
        "surname": "احمدی:Ahmadi محمدی:Mohammadi حسینی:Hussaini رحیمی:Rahimi کریمی:Karimi "
        "نوری:Noori هاشمی:Hashimi سلطانی:Sultani رسولی:Rasuli عزیزی:Azizi امیری:Amiri "
        "حیدری:Haidari یوسفزی:Yousafzai پوپلزی:Popalzai اکبری:Akbari صدیقی:Siddiqui "
        "قادری:Qaderi نظری:Nazari جعفری:Jafari فاروقی:Farooqi ستانکزی:Stanikzai "
        "وردک:Wardak شینواری:Shinwari مومند:Momand",
        "places": "کابل:Kabul هرات:Herat مزارشریف:Mazar-i-Sharif قندهار:Kandahar "
        "جلال‌آباد:Jalalabad غزنی:Ghazni کندز:Kunduz بلخ:Balkh",
    },
    "arab": {
        "script": "arab",
        "male": "محمد:Muhammad أحمد:Ahmed علي:Ali حسن:Hassan حسين:Hussein عمر:Omar خالد:Khaled "
        "يوسف:Yousef إبراهيم:Ibrahim عبدالله:Abdullah مصطفى:Mustafa محمود:Mahmoud "
        "سعيد:Saeed وليد:Walid طارق:Tariq زياد:Ziad فراس:Firas ماهر:Maher باسل:Basel "
        "حمزة:Hamza يحيى:Yahya عثمان:Othman جمال:Jamal كريم:Karim رامي:Rami سامر:Samer "
        "عادل:Adel أنس:Anas بلال:Bilal",
        "female": "فاطمة:Fatima عائشة:Aisha مريم:Maryam زينب:Zainab نور:Nour سارة:Sara "
        "هدى:Huda رنا:Rana ليلى:Layla آمنة:Amina خديجة:Khadija سلمى:Salma دعاء:Duaa "
        "رغد:Raghad هبة:Hiba ريم:Reem ياسمين:Yasmin لين:Leen جنى:Jana شهد:Shahad "
        "إسراء:Israa منى:Mona",
        "surname": "الأحمد:Al-Ahmad الحسن:Al-Hassan العلي:Al-Ali الخطيب:Al-Khatib "
        "الحلبي:Al-Halabi المصري:Al-Masri الشامي:Al-Shami العمر:Al-Omar الجبوري:Al-Jubouri "
        "الدليمي:Al-Dulaimi التميمي:Al-Tamimi العبيدي:Al-Obaidi الزعبي:Al-Zoubi "
        "حداد:Haddad نجار:Najjar خليل:Khalil إبراهيم:Ibrahim حسين:Hussein عباس:Abbas "
        "صالح:Saleh قاسم:Qasim يوسف:Yousef منصور:Mansour",
        "places": "حلب:Aleppo دمشق:Damascus حمص:Homs إدلب:Idlib الرقة:Raqqa الموصل:Mosul "
        "بغداد:Baghdad درعا:Daraa",
    },
    "iranian": {
        "script": "arab",
        "male": "محمد:Mohammad علی:Ali حسین:Hossein رضا:Reza مهدی:Mehdi امیر:Amir "
        "محمدرضا:Mohammadreza علیرضا:Alireza حسن:Hassan ابوالفضل:Abolfazl امیرحسین:Amirhossein "
        "محمدحسین:Mohammadhossein سجاد:Sajjad مصطفی:Mostafa مجتبی:Mojtaba سعید:Saeed "
        "آرش:Arash بهرام:Bahram کوروش:Kourosh داریوش:Dariush پارسا:Parsa آرین:Arian "
        "یاسین:Yasin ابراهیم:Ebrahim جواد:Javad",
        "female": "فاطمه:Fatemeh زهرا:Zahra مریم:Maryam زینب:Zeynab سارا:Sara نرگس:Narges "
        "مهسا:Mahsa نازنین:Nazanin الهام:Elham ریحانه:Reyhaneh هستی:Hasti کوثر:Kowsar "
        "یاسمن:Yasaman ستاره:Setareh پریسا:Parisa شیرین:Shirin مائده:Maedeh آیدا:Aida "
        "نیلوفر:Niloufar مهدیه:Mahdieh",
        "surname": "محمدی:Mohammadi حسینی:Hosseini احمدی:Ahmadi رضایی:Rezaei موسوی:Mousavi "
        "کریمی:Karimi جعفری:Jafari رحیمی:Rahimi صادقی:Sadeghi حیدری:Heydari قاسمی:Ghasemi "
        "کاظمی:Kazemi عباسی:Abbasi نوری:Nouri اکبری:Akbari سلیمانی:Soleimani "
        "رستمی:Rostami امینی:Amini یوسفی:Yousefi زارعی:Zarei طاهری:Taheri "
        "شریفی:Sharifi",
        "places": "تهران:Tehran مشهد:Mashhad اصفهان:Isfahan شیراز:Shiraz تبریز:Tabriz "
        "کرج:Karaj اهواز:Ahvaz قم:Qom",
    },
    "georgian": {
        "script": "geor",
        "male": "გიორგი დავით ლუკა ნიკოლოზ ალექსანდრე დიმიტრი ირაკლი ლევან ზურაბ გიგა "
        "სანდრო ლაშა ნიკა ბექა ოთარ თორნიკე გურამ ვახტანგ მიხეილ ილია შოთა ტატო დათო "
        "გაბრიელ",
        "female": "ნინო მარიამ ანა ელენე თამარ ნატა სალომე ეკატერინე ქეთევან მაკა ნათია "
        "სოფიო ლიკა ბარბარე თეონა ხატია მარიკა ლანა ნანა ია ელისაბედ",
        "surname": "ბერიძე მამედოვი კაპანაძე გელაშვილი მაისურაძე გიორგაძე ლომიძე "
        "წიკლაური ბოლქვაძე ნოზაძე ხუციშვილი ჯაფარიძე აბულაძე მელაძე ქავთარაძე "
        "დოლიძე ჩხეიძე გოგოლაძე ტაბატაძე ბაქრაძე ნიჟარაძე სურმავა კვარაცხელია "
        "ჭანტურია",
        "places": "თბილისი ბათუმი ქუთაისი რუსთავი გორი ზუგდიდი ფოთი",
    },
    "armenian": {
        "script": "armn",
        "male": "Արամ Դավիթ Նարեկ Տիգրան Արմեն Գոռ Հայկ Մհեր Սամվել Արթուր Էրիկ Վահե "
        "Կարեն Գևորգ Հովհաննես Արտյոմ Սարգիս Ռուբեն Ալեքսանդր Միքայել Էդգար Արսեն Վարդան "
        "Լևոն",
        "female": "Անի Մարիամ Նարե Լիլիթ Անահիտ Գայանե Սոնա Մանե Արփի Նունե Էլեն Լուսինե "
        "Տաթևիկ Աննա Սիրանուշ Հասմիկ Շուշան Մերի Ելենա Զարուհի",
        "surname": "Պետրոսյան Հովհաննիսյան Սարգսյան Խաչատրյան Գրիգորյան Վարդանյան "
        "Մկրտչյան Հարությունյան Կարապետյան Ավետիսյան Ղազարյան Գևորգյան Աբրահամյան "
        "Մարտիրոսյան Սահակյան Դավթյան Ստեփանյան Հակոբյան Մանուկյան Առաքելյան",
        "places": "Երևան Գյումրի Վանաձոր Էջմիածին Աբովյան Կապան Գորիս",
    },
    "azerbaijani": {
        "script": "latn_az",
        "patronymic": "az",
        "male": "Əli Hüseyn Məhəmməd Rəşad Elvin Kənan Tural Orxan Elnur Nicat Ramil Fərid "
        "Səbuhi Anar Vüsal Emin İlkin Murad Rauf Ceyhun Cavid Namiq Yusif İbrahim Həsən Rüstəm "
        "Elşən Pərviz Zaur Şahin",
        "female": "Aysel Günel Leyla Nigar Aynur Səbinə Nərmin Fidan Ülviyyə Aytən Zəhra "
        "Fatimə Məryəm Xədicə Lalə Nurlana Gülnar Sevinc Könül Şəbnəm Türkan Aygün Nərgiz "
        "Elnarə",
        "surname": "Məmmədov Əliyev Həsənov Hüseynov Quliyev İsmayılov Abdullayev Rəhimov "
        "Kərimov Nəsirov Cəfərov Əhmədov Süleymanov Vəliyev Bağırov Mustafayev Orucov "
        "Qasımov Rzayev Zeynalov Heydərov Babayev Nağıyev İbrahimov Şükürov",
        "places": "Bakı Gəncə Sumqayıt Şəki Lənkəran Mingəçevir Quba Şirvan",
    },
    "turkish": {
        "script": "latn_tr",
        "male": "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer "
        "Ramazan Halil Süleyman Abdullah Mahmut Emre Burak Kerem Yiğit Çağrı Onur Serkan Cem "
        "Eren Doğan Ertuğrul Furkan Oğuz",
        "female": "Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife "
        "Merve Büşra Esra Özlem Yasemin Gül Derya Sevgi Özge Tuğba Hülya Gülşen Çiğdem",
        "surname": "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan "
        "Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan "
        "Yavuz Aktaş Güneş Bulut Tekin",
        "places": "İstanbul Ankara İzmir Gaziantep Şanlıurfa Hatay Kilis Mersin Adana",
    },
}
